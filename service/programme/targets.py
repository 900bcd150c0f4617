"""The programme's targets, read from data beside the rule set (schemas/programmes/), never code.

The 2019 plan fixes the programme's totals for 2022 (三（二）); a plan year's own figures (the 2020
plan: 51 communities in 26 projects) sit beside them. Amounts are Decimals read from strings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from service.resources import schemas

# The measures the programme is counted in, in the order pages show them.
MEASURES = ("communities", "buildings", "households", "area_m2", "budget_yuan")
_DECIMAL = ("area_m2", "budget_yuan")


@dataclass(frozen=True)
class Targets:
    """The programme's targets: totals by `by_year`, and the figures of the plan years that fix them."""

    id: str
    title: str
    by_year: int
    totals: dict  # measure -> int or Decimal
    plan_years: dict  # plan year (int) -> {measure or 'projects': int or Decimal}

    def __getitem__(self, measure: str):
        return self.totals[measure]


def _values(raw: dict) -> dict:
    return {k: (Decimal(str(v)) if k in _DECIMAL else int(v)) for k, v in raw.items() if k != "source"}


@lru_cache(maxsize=None)
def targets(programme: str = "xiacheng-2019") -> Targets:
    """The targets of a programme (schemas/programmes/<id>.json)."""
    data = json.loads((schemas() / "programmes" / f"{programme}.json").read_text(encoding="utf-8"))
    return Targets(data["id"], data["title"], int(data["by_year"]), _values(data["targets"]),
                   {int(y): _values(v) for y, v in data.get("plan_years", {}).items()})
