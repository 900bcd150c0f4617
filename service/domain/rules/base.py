"""What every rule gets to read, and what a rule is."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol

from service.domain.calendar import OfficialCalendar
from service.domain.filetypes import FileInfo
from service.domain.package import Package
from service.domain.ruleset import RuleSet

# A rule yields (JSON Pointer, msgid, params) for each failed condition, or
# (JSON Pointer, msgid, params, severity) when one rule reports at two severities (CONSENT-TOTALS).
Raw = tuple[str, str, dict] | tuple[str, str, dict, str]


@dataclass(frozen=True)
class PlanDecision:
    """The district's newest decision (计划确定) on a project's current declaration."""

    approved: bool
    approved_budget_yuan: str | None  # "16200000.00"; a refusal may have none


@dataclass(frozen=True)
class OtherProject:
    """A project of the same street whose current declaration is accepted and not refused."""

    code: str
    plan_year: int | None
    communities: list[dict]  # with the 1.1 field names (project.of_project_block)


class History(Protocol):
    """What the service knows of earlier packages (the command line has none)."""

    def has_passed_acceptance(self, project_code: str) -> bool: ...

    def declared_project(self, project_code: str) -> dict | None: ...

    def owner_street(self, project_code: str) -> str | None:
        """The street of the project's first accepted declaration (None: nobody holds the code)."""
        ...

    def plan_decision(self, project_code: str) -> PlanDecision | None:
        """The newest 计划确定 decision on the project's current declaration (None: none recorded)."""
        ...

    def standing_projects(self, street: str, except_code: str) -> list[OtherProject]:
        """The street's other projects whose current declaration is accepted and not refused."""
        ...


@dataclass
class Context:
    """The package under check and everything the rules may consult."""

    package: Package
    ruleset: RuleSet
    calendar: OfficialCalendar
    inspect: Callable[[str], FileInfo | None]
    history: History | None = None
    computed: dict[str, Any] = field(default_factory=dict)

    @property
    def doc(self) -> Any:
        """The parsed package.json."""
        return self.package.data


@dataclass(frozen=True)
class Rule:
    """A rule of rules.md: its id, severity, the stage(s) it applies to (None: every stage)."""

    id: str
    severity: str
    stage: str | tuple[str, ...] | None
    check: Callable[[Context], Iterable[Raw]]
    # Severity when no service history is at hand (the command line): a rule that needs the
    # history cannot fail a stand-alone check, only warn that it could not verify.
    offline_severity: str | None = None

    def applies_to(self, stage: str | None) -> bool:
        """Whether the rule checks packages of this stage."""
        if self.stage is None:
            return True
        return stage in (self.stage if isinstance(self.stage, tuple) else (self.stage,))


def attachment_index(doc: Any) -> dict[str, tuple[int, dict]]:
    """Listed attachments by id (first listing wins), with their position in `attachments`."""
    found: dict[str, tuple[int, dict]] = {}
    listed = doc.get("attachments") if isinstance(doc, dict) else None
    for i, entry in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            found.setdefault(entry["id"], (i, entry))
    return found


def each(items: Any) -> Iterator[tuple[int, dict]]:
    """(index, entry) for the dict entries of a list, skipping malformed ones."""
    for i, entry in enumerate(items if isinstance(items, list) else []):
        if isinstance(entry, dict):
            yield i, entry
