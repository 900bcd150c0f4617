"""Rule sets: the thresholds, menu and clauses a plan fixed, as data chosen by plan year."""
from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from service.domain.authorities import Authorities
from service.domain.law import LawTable


@dataclass(frozen=True)
class MenuItem:
    """One entry of the renovation menu (菜单式改造内容)."""

    code: str
    aspect: str | None  # None: fits any aspect ('other')
    zh: str
    en: str


@dataclass(frozen=True)
class RuleSet:
    """A named, versioned set of rule parameters tied to the plan that set them."""

    id: str
    title: str
    year_from: int | None
    year_to: int | None
    menu: dict[str, MenuItem]
    data: dict[str, Any]
    # The law by the vote's date and the issuing bodies by date: data files beside the rule sets
    # (a rule set may name its own with "laws" / "authorities"; by default schemas/*.json).
    laws: LawTable | None = None
    authorities: Authorities | None = None

    def clause(self, rule_id: str) -> str:
        """The plan clause a rule comes from, e.g. '三（四）1'."""
        return self.data["clauses"].get(rule_id, "—")

    def threshold(self, *keys: str) -> Fraction:
        """A ratio threshold such as consent.area, as an exact Fraction."""
        node: Any = self.data
        for key in keys:
            node = node[key]
        return Fraction(node)

    def serves(self, plan_year: int | None) -> bool:
        """Whether this rule set applies to projects of `plan_year`."""
        if plan_year is None:
            return True
        return (self.year_from is None or plan_year >= self.year_from) and (
            self.year_to is None or plan_year <= self.year_to
        )


def load_ruleset(schemas_dir: Path, path: Path) -> RuleSet:
    """Read one rule set file and the menu it names."""
    data = json.loads(path.read_text(encoding="utf-8"))
    menu_data = json.loads((schemas_dir / data["menu"]).read_text(encoding="utf-8"))
    menu = {i["code"]: MenuItem(i["code"], i["aspect"], i["zh"], i["en"]) for i in menu_data["items"]}
    years = data.get("plan_years", {})
    laws = schemas_dir / data.get("laws", "laws.json")
    authorities = schemas_dir / data.get("authorities", "authorities.json")
    return RuleSet(data["id"], data["title"], years.get("from"), years.get("to"), menu, data,
                   LawTable.from_file(laws) if laws.is_file() else None,
                   Authorities.from_file(authorities) if authorities.is_file() else None)


def load_rulesets(schemas_dir: Path) -> list[RuleSet]:
    """Every rule set under schemas/rulesets, newest plan years first."""
    sets = [load_ruleset(schemas_dir, p) for p in sorted((schemas_dir / "rulesets").glob("*.json"))]
    return sorted(sets, key=lambda s: -(s.year_from or 0))


def choose(rulesets: list[RuleSet], plan_year: int | None) -> RuleSet:
    """The rule set serving `plan_year` (the most specific one when several do)."""
    for ruleset in rulesets:
        if ruleset.serves(plan_year):
            return ruleset
    return rulesets[-1]
