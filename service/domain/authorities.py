"""Who issues a document, and which plan it cites, on a given day — data with validity dates.

The district merger of 2021-04-09 (浙江省人民政府 2021-03-11: 撤销下城区、拱墅区，设立新的拱墅区)
renamed every body of the programme: `下城区人民政府朝晖街道办事处` became `拱墅区人民政府朝晖街道办事处`.
The district plan (issued 2019-11-15) is in force from 2019-12-15; before that a document cites
the city plan it implements. Both tables live in schemas/authorities.json, never in templates.

Simple use (the shipped table):

    >>> from datetime import date
    >>> issuing_body("朝晖街道", "street", date(2021, 4, 9))
    '拱墅区人民政府朝晖街道办事处'
    >>> cited_plan(date(2019, 12, 14)).title
    '《杭州市老旧小区综合改造提升工作实施方案》'

Roles: `street` (the street's office), `district_government`, `district_office` (区旧改办),
`housing`, `finance`, `development_reform`, `archives`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _holds(entry: dict, day: date) -> bool:
    start, end = _day(entry.get("from")), _day(entry.get("until"))
    return (start is None or day >= start) and (end is None or day <= end)


@dataclass(frozen=True)
class Plan:
    """A plan a document cites: its title (with book-title marks) and document number, if any."""

    id: str
    title: str
    number: str | None

    @property
    def citation(self) -> str:
        """《…》（杭政办函〔2019〕72号）, or the bare title when it has no number."""
        return f"{self.title}（{self.number}）" if self.number else self.title


@dataclass(frozen=True)
class Authorities:
    """The table of schemas/authorities.json."""

    data: dict[str, Any]

    @classmethod
    def from_file(cls, path: Path) -> "Authorities":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def district(self, day: date) -> str:
        """The district's short name in force on `day`: '下城区' or '拱墅区'."""
        return self._district(day)["name"]

    def district_full(self, day: date) -> str:
        """'杭州市下城区' or '杭州市拱墅区'."""
        return self._district(day)["full_name"]

    def _district(self, day: date) -> dict:
        listed = self.data["districts"]
        return next((d for d in listed if _holds(d, day)), listed[-1])

    def issuing_body(self, street: str | None, role: str, day: date) -> str:
        """The name of a body on `day`; raises KeyError for a role the table does not know."""
        template = self.data["bodies"][role]
        return template.format(district=self.district(day), street=street or "")

    def cited_plan(self, day: date) -> Plan:
        """The plan a document dated `day` cites."""
        listed = self.data["plans"]
        entry = next((p for p in listed if _holds(p, day)), listed[-1])
        return Plan(entry["id"], entry["title"], entry.get("number"))

    @property
    def streets(self) -> list[str]:
        """The eight streets of the programme."""
        return list(self.data["streets"])


@cache
def shipped() -> Authorities:
    """The table shipped with jiugai (schemas/authorities.json)."""
    from service.resources import schemas  # where the data lives is the installation's business

    return Authorities.from_file(schemas() / "authorities.json")


def issuing_body(street: str | None, role: str, day: date) -> str:
    """The body of `role` (for `street`) on `day`, from the shipped table."""
    return shipped().issuing_body(street, role, day)


def cited_plan(day: date) -> Plan:
    """The plan a document dated `day` cites, from the shipped table."""
    return shipped().cited_plan(day)


def district(day: date) -> str:
    """The district in force on `day` ('下城区' or '拱墅区'), from the shipped table."""
    return shipped().district(day)
