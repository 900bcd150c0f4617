"""The official calendar: the library's years, the project's corrections, and added years."""
from __future__ import annotations

import json
from datetime import date

import pytest

from service.domain.calendar import OfficialCalendar, UnknownYear
from service.resources import schemas

SHIPPED = schemas() / "calendar" / "cn-official.json"


@pytest.fixture
def calendar():
    return OfficialCalendar.from_files([SHIPPED])


@pytest.mark.parametrize("day,working", [
    ("2019-10-12", True),   # make-up Saturday
    ("2019-09-29", True),   # make-up Sunday
    ("2019-10-01", False),
    ("2019-10-07", False),
    ("2020-02-01", False),  # the make-up Saturday the 2020 extension cancelled
    ("2020-02-02", False),
    ("2020-02-03", True),
    ("2005-12-31", True),   # the library's known error, corrected by the data file
])
def test_official_days(calendar, day, working):
    assert calendar.is_workday(date.fromisoformat(day)) is working


def test_five_working_days_from_27_september_2019(calendar):
    assert calendar.nth_working_day(date(2019, 9, 27), 5) == date(2019, 10, 9)
    assert calendar.working_days(date(2019, 9, 27), date(2019, 10, 9)) == 5


def test_an_unknown_year_raises_rather_than_guessing(calendar):
    assert not calendar.knows(2027)
    assert not calendar.knows(2003)
    with pytest.raises(UnknownYear) as caught:
        calendar.is_workday(date(2027, 3, 1))
    assert caught.value.year == 2027
    assert calendar.unknown_years(date(2026, 12, 30), date(2027, 1, 5)) == [2027]


def test_a_data_file_adds_a_year_without_code(tmp_path):
    extra = tmp_path / "2027.json"
    extra.write_text(json.dumps({"years": {"2027": {
        "holidays": ["2027-01-01", "2027-10-01", "2027-10-04"],
        "workdays": ["2027-09-26"]}}}), encoding="utf-8")
    calendar = OfficialCalendar.from_files([SHIPPED, extra])
    assert calendar.knows(2027)
    assert calendar.is_workday(date(2027, 1, 1)) is False      # a Friday holiday
    assert calendar.is_workday(date(2027, 9, 26)) is True      # a make-up Sunday
    assert calendar.is_workday(date(2027, 3, 6)) is False      # an ordinary Saturday
    assert calendar.is_workday(date(2027, 3, 8)) is True


def test_a_data_file_corrects_a_single_day(tmp_path):
    extra = tmp_path / "fix.json"
    extra.write_text(json.dumps({"corrections": {"2019-10-08": {"workday": False, "source": "test"}}}), encoding="utf-8")
    assert OfficialCalendar.from_files([SHIPPED, extra]).is_workday(date(2019, 10, 8)) is False


def test_the_checker_takes_extra_calendar_files(tmp_path, example):
    from service.domain.check import Checker
    from service.domain.package import Package

    extra = tmp_path / "2027.json"
    extra.write_text(json.dumps({"years": {"2027": {"holidays": ["2027-10-01", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"], "workdays": []}}}))
    doc = example("declaration")
    doc.update(submitted_on="2027-10-20")
    doc["project"].update(plan_year=2028)
    doc["public_notice"].update(start="2027-09-29", end="2027-10-08")  # Wed, Thu, then the holiday from Fri 10-01, then Fri 10-08
    checker = Checker.from_dir(schemas(), [extra])
    report = checker.check(Package(doc, b"{}", None))
    assert report.computed["notice_working_days"] == 3
    assert [f.rule for f in report.errors if f.rule.startswith(("NOTICE", "CALENDAR"))] == ["NOTICE-WORKING-DAYS"]


def test_every_day_the_library_knows_agrees_with_it(calendar):
    import chinese_calendar

    day, differences = date(2004, 1, 1), []
    while day.year <= 2026:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            differences.append(day)
        day += __import__("datetime").timedelta(days=1)
    assert differences == [date(2005, 12, 31)]  # the one correction the data file makes
