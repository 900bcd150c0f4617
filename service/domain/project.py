"""The project as the rules see it, whatever the package's format version.

Format 1.0 describes one community in `project` and one vote in `consent`; format 1.1
(`programme.md`) lists `project.communities[]` and `consent.votes[]`. The rules read both
through these views, so a finding's pointer always names the field as the package wrote it:
`/project/built_year` in 1.0, `/project/communities/1/built_year` in 1.1.
"""
from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from service.domain import values as v
from service.domain.pointer import join, resolve

# The fields 1.0 keeps in `project` and 1.1 moves into each community ('community' becomes 'name').
COMMUNITY_FIELDS = ("name", "address", "built_year", "affordable_housing", "post_2000_grounds", "buildings",
                    "households", "floor_area_m2", "last_comprehensive_renovation_year", "in_demolition_plan")


def version(doc: Any) -> str:
    """'1.1' for a package of format 1.1, else '1.0' (what every older package is read as)."""
    return "1.1" if isinstance(doc, dict) and doc.get("format_version") == "1.1" else "1.0"


def is_multi(doc: Any) -> bool:
    """Whether the package lists its communities (format 1.1)."""
    return version(doc) == "1.1"


@dataclass(frozen=True)
class Community:
    """One community of a project: where its fields are, and what they say."""

    index: int | None  # position in project.communities; None for a 1.0 package
    ptr: str  # the object holding the fields: /project (1.0) or /project/communities/N (1.1)
    data: dict

    def pointer(self, field: str) -> str:
        """The JSON Pointer of one of the community's fields in the package."""
        if field == "name" and self.index is None:
            return "/project/community"
        return f"{self.ptr}/{field}"

    def get(self, field: str) -> Any:
        """The raw value of a field (None when missing)."""
        return self.data.get("community" if field == "name" and self.index is None else field)

    @property
    def name(self) -> str | None:
        value = self.get("name")
        return value if isinstance(value, str) else None

    def integer(self, field: str) -> int | None:
        return v.integer(self.data, "/" + ("community" if field == "name" and self.index is None else field))

    def number(self, field: str) -> Decimal | None:
        return v.number(self.data, "/" + field)

    def boolean(self, field: str) -> bool | None:
        return v.boolean(self.data, "/" + field)


@dataclass(frozen=True)
class Vote:
    """One owners' vote: a community's consent to renovate and its approval of the plan."""

    index: int | None  # position in consent.votes; None for a 1.0 package
    ptr: str  # /consent (1.0) or /consent/votes/N (1.1)
    data: dict
    voted_on: date | None  # 1.0: the package's submitted_on
    community: str | None  # the community it names (1.0: the project's community)

    def pointer(self, *parts: str | int) -> str:
        """The JSON Pointer of a field of the vote, e.g. pointer('renovation', 'owners')."""
        return self.ptr + join(*parts)

    def integer(self, *parts: str) -> int | None:
        return v.integer(self.data, join(*parts))

    def number(self, *parts: str) -> Decimal | None:
        return v.number(self.data, join(*parts))


# Within one check every rule asks for the same views of the same (unchanging) document: build them
# once. The memo lives only while `memoised()` is active, per thread and task, so a document changed
# between two checks is always seen afresh.
_MEMO: ContextVar[dict | None] = ContextVar("jiugai_project_views", default=None)


@contextmanager
def memoised():
    """Build each view of a document at most once inside this block (the check's rules)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _remembered(kind: str, doc: Any, build):
    memo = _MEMO.get()
    if memo is None:
        return build(doc)
    hit = memo.get((kind, id(doc)))
    if hit is not None and hit[0] is doc:
        return hit[1]
    value = build(doc)
    memo[(kind, id(doc))] = (doc, value)
    return value


def communities(doc: Any) -> list[Community]:
    """The communities of the package's project (1.0: the project itself, as one community)."""
    return _remembered("communities", doc, _communities)


def votes(doc: Any) -> list[Vote]:
    """The owners' votes of a declaration (1.0: its consent block, voted on its submission day)."""
    return _remembered("votes", doc, _votes)


def _communities(doc: Any) -> list[Community]:
    project = resolve(doc, "/project")
    if not isinstance(project, dict):
        return []
    if not is_multi(doc):
        return [Community(None, "/project", project)]
    listed = project.get("communities")
    return [Community(i, join("project", "communities", i), c)
            for i, c in enumerate(listed if isinstance(listed, list) else []) if isinstance(c, dict)]


def _votes(doc: Any) -> list[Vote]:
    consent = resolve(doc, "/consent")
    if not isinstance(consent, dict):
        return []
    if not is_multi(doc):
        return [Vote(None, "/consent", consent, v.day(doc, "/submitted_on"), v.text(doc, "/project/community"))]
    listed = consent.get("votes")
    return [Vote(i, join("consent", "votes", i), vote, v.day(vote, "/voted_on"),
                 vote.get("community") if isinstance(vote.get("community"), str) else None)
            for i, vote in enumerate(listed if isinstance(listed, list) else []) if isinstance(vote, dict)]


def project_name(doc: Any) -> str:
    """项目名称: 1.1's project.name; for 1.0 the community's name (a project of one community)."""
    if is_multi(doc):
        return v.text(doc, "/project/name") or ""
    return v.text(doc, "/project/community") or ""


def community_names(doc: Any) -> list[str]:
    """The names of the project's communities, as written."""
    return [c.name for c in communities(doc) if c.name is not None]


def total(doc: Any, field: str) -> Decimal | None:
    """A figure summed over the communities (buildings, households, floor_area_m2); None when any is unreadable."""
    values = [c.number(field) for c in communities(doc)]
    if not values or any(x is None for x in values):
        return None
    return sum(values, Decimal(0))


def normal_name(name: str) -> str:
    """A community name as compared across projects: NFC, white space removed (COMMUNITY-ONCE)."""
    return "".join(unicodedata.normalize("NFC", name).split())


def of_project_block(project: Any, format_version: str | None) -> list[dict]:
    """The communities of a stored `project` block, each as a dict with the 1.1 field names.

    The service keeps each package's project block; comparing stages community by community
    (PROJECT-CONSISTENT) and finding a community in another project (COMMUNITY-ONCE) read it here.
    """
    if not isinstance(project, dict):
        return []
    if format_version == "1.1" or "communities" in project:
        listed = project.get("communities")
        return [c for c in (listed if isinstance(listed, list) else []) if isinstance(c, dict)]
    one = {k: project[k] for k in COMMUNITY_FIELDS if k != "name" and k in project}
    if "community" in project:
        one["name"] = project["community"]
    return [one]
