"""Archival codes (档号) in the DA/T 22 form 全宗号-年度-保管期限代码-件号."""
from __future__ import annotations

RETENTION_CODES = {"permanent": "Y", "long": "C", "short": "D"}  # 永久、长期、短期


def archival_codes(documents: list[dict], fonds: str) -> list[str]:
    """One 档号 per document, in order; 件号 counts within each year and retention period."""
    counters: dict[tuple[str, str], int] = {}
    codes = []
    for d in documents:
        date = d.get("date") if isinstance(d.get("date"), str) else ""
        year = date[:4] if date[:4].isdigit() else "0000"
        retention = RETENTION_CODES.get(d.get("retention") if isinstance(d.get("retention"), str) else "", "X")
        counters[(year, retention)] = counters.get((year, retention), 0) + 1
        codes.append(f"{fonds}-{year}-{retention}-{counters[(year, retention)]:04d}")
    return codes


STAGE_ORDER = ("declaration", "acceptance", "handover")
# The project fields a later stage must carry unchanged (PROJECT-CONSISTENT).
PROJECT_FIELDS = ("code", "community", "street", "built_year", "buildings", "households", "floor_area_m2")


def project_problems(reports: list) -> list:
    """Why these packages (as (package, report) pairs) do not make one complete, valid project."""
    from service.domain.documents import STAGE_NAMES
    from service.domain.findings import Msg, N_

    def stage_name(stage):
        return Msg(STAGE_NAMES[stage]) if stage in STAGE_NAMES else "?"

    problems = []
    codes = sorted({p.project_code or "?" for p, _r in reports})
    if len(codes) > 1:
        problems.append(Msg(N_("the packages belong to different projects: {codes}"), {"codes": ", ".join(codes)}))
    stages = [p.stage for p, _r in reports]
    for stage in STAGE_ORDER:
        if stages.count(stage) == 0:
            problems.append(Msg(N_("the {stage} package is missing"), {"stage": stage_name(stage)}))
        elif stages.count(stage) > 1:
            problems.append(Msg(N_("there is more than one {stage} package: give only the current one"), {"stage": stage_name(stage)}))
    for package, report in reports:
        errors = [f.rule for f in report.errors]
        if errors:
            problems.append(Msg(N_("the {stage} package is not valid ({rules})"), {"stage": stage_name(package.stage), "rules": ", ".join(sorted(set(errors)))}))
        if package.stage == "acceptance" and package.data.get("acceptance", {}).get("conclusion") != "passed":
            problems.append(Msg(N_("the joint acceptance of project {code} did not pass: its files cannot be handed over"), {"code": package.project_code or "?"}))
    if problems:
        return problems  # comparing the project blocks of mismatched packages says nothing more
    projects = {p.stage: p.data.get("project", {}) for p, _r in reports if isinstance(p.data, dict)}
    first = projects.get("declaration")
    for stage, project in projects.items():
        if first is None or stage == "declaration" or not isinstance(project, dict):
            continue
        for field in PROJECT_FIELDS:
            if project.get(field) != first.get(field):
                problems.append(Msg(N_("the {stage} package gives {field} as {value}, the declaration as {declared}"),
                                    {"stage": stage_name(stage), "field": field, "value": project.get(field), "declared": first.get(field)}))
    return problems
