"""The four-property check of DA/T 70-2018 on a project's files: authenticity, integrity,
usability, security. Each check is a row of data; nothing raises for a failed check."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from service.archive.pdfscan import active_content
from service.domain import values as v
from service.domain.filetypes import inspect
from service.domain.findings import Msg, N_
from service.domain.pointer import resolve
from service.domain.rules.base import attachment_index, each

PROPERTIES = ("authenticity", "integrity", "usability", "security")
PROPERTY_NAMES = {"authenticity": "真实性", "integrity": "完整性", "usability": "可用性", "security": "安全性"}
PROPERTY_LABELS = {"authenticity": N_("authenticity (真实性)"), "integrity": N_("integrity (完整性)"),
                   "usability": N_("usability (可用性)"), "security": N_("security (安全性)")}


@dataclass
class Check:
    """One check of one file or fact."""

    prop: str
    item: str
    passed: bool
    detail: Msg


@dataclass
class FourPropertyReport:
    """All checks, grouped by property."""

    project: str
    checked_on: str
    checks: list[Check] = field(default_factory=list)
    _seen: dict = field(default_factory=dict, repr=False)

    def inspect(self, path: Path):
        """What a file is, looked at once per report however many checks ask."""
        if path not in self._seen:
            self._seen[path] = inspect(path)
        return self._seen[path]

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(c.passed for c in self.checks)

    def failures(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if not c.passed]

    def add(self, prop: str, item: str, passed: bool, msgid: str, **params) -> None:
        """Record one check."""
        self.checks.append(Check(prop, item, passed, Msg(msgid, params)))


def check_files(report: FourPropertyReport, stage: str, package, bag_prefix: str) -> None:
    """Authenticity, usability and security of one package's attached files."""
    listed = attachment_index(package.data)
    for ident, (_i, entry) in sorted(listed.items(), key=lambda kv: kv[1][0]):
        name = entry.get("file")
        path = (package.files or {}).get(name) if isinstance(name, str) else None
        item = f"{bag_prefix}/{name}"
        if path is None:
            report.add("integrity", item, False, N_("the file is missing"))
            continue
        info = report.inspect(Path(path))
        report.add("authenticity", item, info.sha256 == entry.get("sha256"),
                   N_("SHA-256 {actual}, recorded {expected}"), actual=info.sha256, expected=entry.get("sha256"))
        usable = info.problem is None
        report.add("usability", item, usable, N_("opens as {kind}") if usable else N_("does not open: {problem}"),
                   kind=(info.kind or "?").upper(), problem=info.problem or "")
        threats = active_content(Path(path)) if info.kind == "pdf" else []
        if info.kind in ("macro", "ole"):
            threats.append("macros 宏" if info.kind == "macro" else "legacy Office 旧版 Office 格式")
        report.add("security", item, not threats, N_("no active content") if not threats else N_("carries {threats}"),
                   threats=", ".join(threats))


def check_handover(report: FourPropertyReport, package, categories: list[str]) -> None:
    """Integrity of the handover record: categories present, counts and pages that agree."""
    docs = [d for _i, d in each(resolve(package.data, "/handover/documents"))]
    present = {d.get("category") for d in docs if isinstance(d.get("category"), str)}
    for category in categories:
        report.add("integrity", f"category:{category}", category in present,
                   N_("documents of this category are handed over") if category in present else N_("no document of this category"))
    listed = attachment_index(package.data)
    declared_total, actual_total = 0, 0
    for d in docs:
        entry = listed.get(d.get("file")) if isinstance(d.get("file"), str) else None
        name = entry[1].get("file") if entry else None
        path = (package.files or {}).get(name) if isinstance(name, str) else None
        declared = v.integer(d, "/pages") or 0
        info = report.inspect(Path(path)) if path else None
        declared_total += declared
        if info is not None and info.kind != "pdf":  # an image or Office file: its pages are as listed
            actual_total += declared
            report.add("integrity", f"document:{d.get('title', '')}", True,
                       N_("not a PDF: {declared} pages as listed"), declared=declared)
            continue
        actual = info.pages if info else None
        actual_total += actual or 0
        report.add("integrity", f"document:{d.get('title', '')}", actual == declared,
                   N_("{declared} pages listed, {actual} in the file"), declared=declared, actual=actual if actual is not None else "—")
    report.add("integrity", "handover-record", declared_total == actual_total and len(docs) > 0,
               N_("{count} documents, {declared} pages listed; {actual} pages in the files"),
               count=len(docs), declared=declared_total, actual=actual_total)
