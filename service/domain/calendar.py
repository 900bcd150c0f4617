"""The official PRC working-day calendar: State Council arrangements, never a guess.

`chinese-calendar` holds the arrangements for 2004-2026. Data files (the project's own
`schemas/calendar/cn-official.json`, and any a deployment adds) correct single days and add
whole years without a code change. A date in a year neither knows raises UnknownYear.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from chinese_calendar import constants as _official

# chinese-calendar's own is_workday scans its whole table for the year range on every call
# (~20 µs); the same data, read once, answers in well under a microsecond.
_LIB_HOLIDAYS = frozenset(_official.holidays)
_LIB_WORKDAYS = frozenset(_official.workdays)
_LIB_YEARS = range(min(_official.holidays).year, max(_official.holidays).year + 1)


class UnknownYear(LookupError):
    """The calendar holds no official arrangement for this year."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@dataclass
class OfficialCalendar:
    """Working days by the official arrangement, with the project's additions and corrections."""

    corrections: dict[date, bool] = field(default_factory=dict)
    added_years: dict[int, tuple[frozenset[date], frozenset[date]]] = field(default_factory=dict)

    @classmethod
    def from_files(cls, paths: list[Path]) -> "OfficialCalendar":
        """Build the calendar from data files (later files override earlier ones)."""
        cal = cls()
        for path in paths:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            for day_text, entry in data.get("corrections", {}).items():
                cal.corrections[date.fromisoformat(day_text)] = bool(entry["workday"])
            for year_text, entry in data.get("years", {}).items():
                off = frozenset(date.fromisoformat(d) for d in entry.get("holidays", []))
                on = frozenset(date.fromisoformat(d) for d in entry.get("workdays", []))
                cal.added_years[int(year_text)] = (off, on)
        return cal

    def knows(self, year: int) -> bool:
        """True when the official arrangement for `year` is known."""
        return year in self.added_years or year in _LIB_YEARS

    def is_workday(self, day: date) -> bool:
        """Whether `day` is an official working day; raises UnknownYear for an unknown year."""
        if day in self.corrections:
            return self.corrections[day]
        if day.year in self.added_years:
            off, on = self.added_years[day.year]
            if day in on:
                return True
            return day.weekday() < 5 and day not in off
        if day.year not in _LIB_YEARS:
            raise UnknownYear(day.year)
        # The library's own rule: a declared working day, or a weekday that is not a holiday.
        return day in _LIB_WORKDAYS or (day.weekday() < 5 and day not in _LIB_HOLIDAYS)

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years between start and end (both included) that the calendar does not know."""
        return [y for y in range(start.year, end.year + 1) if not self.knows(y)]

    def working_days(self, start: date, end: date) -> int:
        """How many working days lie from start to end, both included (0 if end < start)."""
        count, day = 0, start
        while day <= end:
            count += self.is_workday(day)
            day += timedelta(days=1)
        return count

    def nth_working_day(self, start: date, n: int) -> date | None:
        """The date of the n-th working day counted from start (included), or None if unknown."""
        day, seen = start, 0
        try:
            for _ in range(366):
                if self.is_workday(day):
                    seen += 1
                    if seen == n:
                        return day
                day += timedelta(days=1)
        except (UnknownYear, OverflowError):
            return None
        return None
