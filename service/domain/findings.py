"""Findings and the report they make: data, never exceptions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"


def N_(msgid: str) -> str:
    """Mark a message for the Babel catalogues; it is translated when the report is written."""
    return msgid


@dataclass(frozen=True)
class Msg:
    """A message to translate later: a catalogue msgid and its named parameters."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One failed condition: which rule, where in the package (JSON Pointer), and what to say."""

    rule: str
    severity: str
    path: str
    message: Msg
    clause: str = "—"


@dataclass
class Report:
    """Everything a check found, plus the figures it computed."""

    stage: str | None
    project: str | None
    ruleset: str
    findings: list[Finding]
    computed: dict[str, Any]
    # The law a declaration's votes were judged by (programme.md): one id, or one per vote when
    # they differ; None for acceptance and handover reports.
    law: str | list[str | None] | None = None

    @property
    def errors(self) -> list[Finding]:
        """The findings that make the package non-compliant."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings reported without failing the package."""
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def valid(self) -> bool:
        """True when no finding is an error."""
        return not self.errors
