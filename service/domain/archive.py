"""Archival codes (档号) in the DA/T 22 form 全宗号-年度-保管期限代码-件号."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from service.domain.project import normal_name, of_project_block

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
# The fields of each community a later stage must carry unchanged (PROJECT-CONSISTENT); the
# name matches the communities up, and the code and street are the project's.
COMMUNITY_FIELDS = ("built_year", "buildings", "households", "floor_area_m2")


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
    declared = next((p for p, _r in reports if p.stage == "declaration" and isinstance(p.data, dict)), None)
    for package, _r in reports:
        if declared is None or package.stage == "declaration" or not isinstance(package.data, dict):
            continue
        problems += _stage_differences(stage_name(package.stage), package.data, declared.data)
    return problems


def _same(a: Any, b: Any) -> bool:
    """Equal values, numbers compared exactly (98500.5 and 98500.50 are the same area)."""
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)) and not isinstance(a, bool) and not isinstance(b, bool):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    return a == b


def _stage_differences(stage: Any, doc: dict, declaration: dict) -> list:
    """How a later stage's project differs from the declaration's, community by community.

    The versions may differ: a 1.0 declaration and a 1.1 acceptance of the same single
    community agree when name, built year, buildings, households and floor area do.
    """
    from service.domain.findings import Msg, N_

    problems = []
    project, first = doc.get("project"), declaration.get("project")
    if not isinstance(project, dict) or not isinstance(first, dict):
        return problems
    if not _same(project.get("street"), first.get("street")):
        problems.append(Msg(N_("the {stage} package gives {field} as {value}, the declaration as {declared}"),
                            {"stage": stage, "field": "street", "value": project.get("street"), "declared": first.get("street")}))
    multi = "1.1" in (doc.get("format_version"), declaration.get("format_version"))
    later = of_project_block(project, doc.get("format_version"))
    earlier = {normal_name(c["name"]): c for c in of_project_block(first, declaration.get("format_version")) if isinstance(c.get("name"), str)}
    seen = set()
    for community in later:
        name = community.get("name")
        key = normal_name(name) if isinstance(name, str) else None
        if key not in earlier:
            problems.append(Msg(N_("the {stage} package lists the community {community}, which the declaration does not"), {"stage": stage, "community": name}))
            continue
        seen.add(key)
        for field in COMMUNITY_FIELDS:
            value, declared = community.get(field), earlier[key].get(field)
            if _same(value, declared):
                continue
            if multi:
                problems.append(Msg(N_("the {stage} package gives {field} of {community} as {value}, the declaration as {declared}"),
                                    {"stage": stage, "field": field, "community": name, "value": value, "declared": declared}))
            else:
                problems.append(Msg(N_("the {stage} package gives {field} as {value}, the declaration as {declared}"),
                                    {"stage": stage, "field": field, "value": value, "declared": declared}))
    for key, community in earlier.items():
        if key not in seen:
            problems.append(Msg(N_("the declaration lists the community {community}, which the {stage} package does not"), {"stage": stage, "community": community.get("name")}))
    return problems
