"""What changed in the findings between two versions of a project's stage: pure data, no I/O."""
from __future__ import annotations

from dataclasses import dataclass

from service.domain.findings import Finding


@dataclass
class Difference:
    """Findings of the newer version that the older lacked (added), the older's that are gone
    (resolved), and those in both (kept) — a finding is the same when rule, place and message are."""

    added: list[Finding]
    resolved: list[Finding]
    kept: list[Finding]


def _key(f: Finding) -> tuple:
    return f.rule, f.path, f.severity, f.message.msgid, repr(sorted(f.message.params.items()))


def difference(older: list[Finding], newer: list[Finding]) -> Difference:
    """The findings' difference from `older` to `newer`, each list in its report's order."""
    before, after = {_key(f) for f in older}, {_key(f) for f in newer}
    return Difference([f for f in newer if _key(f) not in before], [f for f in older if _key(f) not in after],
                      [f for f in newer if _key(f) in before])
