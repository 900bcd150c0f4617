"""The law an owners' vote is judged by, chosen by the day the vote closed (programme.md).

The table is data (schemas/laws.json), like the thresholds of a rule set: the Property Law's
article 76 (双2/3 of all owners and area) until 2020-12-31, the Civil Code's article 278 (a
2/3 turnout, then 3/4 of those taking part) from 2021-01-01. A later law is a new entry there.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

PROPERTY_LAW, CIVIL_CODE = "property-law-2007", "civil-code-2021"


@dataclass(frozen=True)
class Law:
    """One law of the table: its id, title, last day in force and thresholds (exact fractions)."""

    id: str
    title: str
    until: date | None
    data: dict[str, Any]

    def threshold(self, group: str, key: str) -> Fraction | None:
        """e.g. threshold('agreeing_of_all', 'area') → Fraction(2, 3); None when the law has no such test."""
        node = self.data.get(group)
        return Fraction(node[key]) if isinstance(node, dict) and key in node else None

    @property
    def needs_turnout(self) -> bool:
        """Whether the law counts the owners who took part (the Civil Code does, the Property Law did not)."""
        return "participating_of_all" in self.data


@dataclass(frozen=True)
class LawTable:
    """Every law of the table, oldest first."""

    laws: tuple[Law, ...]

    def on(self, day: date | None) -> Law | None:
        """The law in force on `day` (None when the day is unknown)."""
        if day is None or not self.laws:
            return None
        for law in self.laws:
            if law.until is None or day <= law.until:
                return law
        return self.laws[-1]

    @classmethod
    def from_file(cls, path: Path) -> "LawTable":
        """Read schemas/laws.json."""
        data = json.loads(path.read_text(encoding="utf-8"))
        laws = [Law(e["id"], e["title"], date.fromisoformat(e["until"]) if e.get("until") else None, e)
                for e in data["laws"]]
        return cls(tuple(sorted(laws, key=lambda law: law.until or date.max)))
