"""A check report written out: the JSON of rules.md, or text for a person at a terminal."""
from __future__ import annotations

from typing import Any

from service.domain.findings import Finding, Msg, Report
from service.i18n import gettext as _, render


def _finding(f: Finding, lang: str) -> dict[str, str]:
    return {"rule": f.rule, "path": f.path, "message": render(f.message, lang), "clause": f.clause}


def to_dict(report: Report, lang: str = "zh") -> dict[str, Any]:
    """The report exactly as rules.md shows it."""
    return {
        "valid": report.valid,
        "stage": report.stage,
        "project": report.project,
        "ruleset": report.ruleset,
        **({"law": report.law} if report.stage == "declaration" else {}),
        "errors": [_finding(f, lang) for f in report.errors],
        "warnings": [_finding(f, lang) for f in report.warnings],
        "computed": report.computed,
    }


def to_text(report: Report, lang: str = "zh") -> str:
    """The report for a person: the verdict, then each finding with its rule and clause."""
    verdict = _("compliant", lang) if report.valid else _("not compliant", lang)
    lines = [_("{project} {stage}: {verdict} — {errors} errors, {warnings} warnings (rule set {ruleset})", lang).format(
        project=report.project or "?", stage=report.stage or "?", verdict=verdict,
        errors=len(report.errors), warnings=len(report.warnings), ruleset=report.ruleset)]
    for label, group in ((_("error", lang), report.errors), (_("warning", lang), report.warnings)):
        for f in group:
            lines.append(f"  {label} {f.rule} {f.path or '/'} [{f.clause}] {render(f.message, lang)}")
    if report.law:
        lines.append(f"  law: {report.law if isinstance(report.law, str) else ', '.join(str(x) for x in report.law)}")
    for key, value in report.computed.items():
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            # One line per vote (1.1), not a Python list: a street office reads this.
            lines += [f"  {key}[{i}]: " + ", ".join(f"{k} {v}" for k, v in item.items()) for i, item in enumerate(value)]
        elif isinstance(value, dict):
            lines.append(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)


def _msg_record(message: Msg) -> dict:
    return {"msgid": message.msgid,
            "params": {k: (_msg_record(v) if isinstance(v, Msg) else v) for k, v in message.params.items()}}


def _msg_from(record: dict) -> Msg:
    return Msg(record["msgid"], {k: (_msg_from(v) if isinstance(v, dict) and "msgid" in v else v)
                                 for k, v in record["params"].items()})


def to_record(report: Report) -> dict:
    """The report as JSON data that keeps every message translatable (msgid and parameters)."""
    return {"stage": report.stage, "project": report.project, "ruleset": report.ruleset, "computed": report.computed,
            "law": report.law,
            "findings": [{"rule": f.rule, "severity": f.severity, "path": f.path, "clause": f.clause,
                          "message": _msg_record(f.message)} for f in report.findings]}


def from_record(record: dict) -> Report:
    """The report stored by `to_record`."""
    return Report(record["stage"], record["project"], record["ruleset"],
                  [Finding(f["rule"], f["severity"], f["path"], _msg_from(f["message"]), f["clause"]) for f in record["findings"]],
                  record["computed"], record.get("law"))  # reports stored before 1.1 have no law
