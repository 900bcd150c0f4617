"""The check: a package against its stage's schema and every rule of its rule set, all at once."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from service.domain import values as v
from service.domain.calendar import OfficialCalendar
from service.domain.filetypes import FileInfo, inspect
from service.domain.findings import ERROR, Finding, Msg, N_, Report
from service.domain.package import Package
from service.domain.project import memoised
from service.domain.rules import RULES, Context, History
from service.domain.rules import consent
from service.domain.rules.across import OWNER
from service.domain.ruleset import RuleSet, choose, load_rulesets
from service.domain.schema import SchemaChecker, duplicate_names, scrub, surrogate_findings


@dataclass
class Checker:
    """Everything a check needs that is costly to build: compile it once, check many packages."""

    schema: SchemaChecker
    rulesets: list[RuleSet]
    calendar: OfficialCalendar

    @classmethod
    def from_dir(cls, schemas_dir: Path, extra_calendars: list[Path] | None = None) -> "Checker":
        """Load schemas, rule sets and the calendar from the schemas/ folder."""
        calendars = [schemas_dir / "calendar" / "cn-official.json", *(extra_calendars or [])]
        return cls(SchemaChecker(schemas_dir), load_rulesets(schemas_dir), OfficialCalendar.from_files(calendars))

    def check(self, package: Package, history: History | None = None) -> Report:
        """Every finding of `package`; `history` is the service's memory of earlier packages."""
        doc = package.data
        ruleset = choose(self.rulesets, v.integer(doc, "/project/plan_year") if isinstance(doc, dict) else None)
        if not isinstance(doc, dict):
            finding = Finding("SCHEMA", ERROR, "", Msg(N_("package.json must hold a JSON object")), "—")
            return Report(None, None, ruleset.id, [finding], {})
        findings = []
        if package.raw and (b"\\ud" in package.raw or b"\\uD" in package.raw):
            findings += surrogate_findings(doc)
            if findings:
                doc = package.data = scrub(doc)
        stage = package.stage
        ctx = Context(package, ruleset, self.calendar, _inspector(package), history)
        taken = self.owner_findings(ctx)
        if taken:
            # Another street holds the code: the one finding, and nothing (no other rule, no
            # computed figure) that could tell the street anything of that street's project.
            return Report(stage, package.project_code, ruleset.id, taken, {})
        findings += self.schema.findings(doc, stage)
        findings += duplicate_names(doc)
        with memoised():
            for rule in _rules_for(stage):
                severity = rule.offline_severity if history is None and rule.offline_severity else rule.severity
                clause = ruleset.clause(rule.id)
                for raw in rule.check(ctx):
                    # A rule may give a finding its own severity (CONSENT-TOTALS: error or warning).
                    path, msgid, params = raw[:3]
                    findings.append(Finding(rule.id, raw[3] if len(raw) > 3 else severity, path, Msg(msgid, params), clause))
            consent.finish(ctx.computed)
            law = consent.laws_applied(doc, ruleset) if stage == "declaration" else None
        return Report(stage, package.project_code, ruleset.id, findings, ctx.computed, law)

    def owner_findings(self, ctx: Context) -> list[Finding]:
        """PROJECT-OWNER's finding when another street holds the package's project code (service only)."""
        if ctx.history is None or not isinstance(ctx.doc, dict):
            return []
        clause = ctx.ruleset.clause(OWNER.id)
        return [Finding(OWNER.id, OWNER.severity, path, Msg(msgid, params), clause) for path, msgid, params in OWNER.check(ctx)]


# The rules of each stage, chosen once: a check runs on the hot path of every upload and /check.
_BY_STAGE = {stage: tuple(r for r in RULES if r is not OWNER and r.applies_to(stage))
             for stage in (None, "declaration", "acceptance", "handover")}


def _rules_for(stage: str | None) -> tuple:
    """The rules a package of `stage` is checked by (PROJECT-OWNER apart: it runs first, alone)."""
    found = _BY_STAGE.get(stage)
    return found if found is not None else tuple(r for r in RULES if r is not OWNER and r.applies_to(stage))


def _inspector(package: Package):
    """Inspect each uploaded file at most once per check."""
    cache: dict[str, FileInfo | None] = {}

    def look(name: str) -> FileInfo | None:
        if name not in cache:
            path = package.files.get(name) if package.files else None
            cache[name] = inspect(path) if path is not None and os.path.isfile(path) else None
        return cache[name]

    return look
