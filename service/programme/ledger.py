"""The district ledger (信息数据台账, 四（三）): an XLSX workbook of the programme.

Sheets: 项目台账 (one row per project, its communities listed, money and dates), 小区明细 (one row
per community, counted once as on the dashboard) and 汇总 (by street and plan year). A project's
money is the project's — it cannot be split between its communities — so the project is the row
of the main sheet and the community the row of the detail sheet. Dates are real Excel dates.
Every cell is written through `_put`, which keeps a text that a spreadsheet would read as a
formula (= + - @, tab, CR first) a plain string.
"""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from service.db import models as m
from service.programme import ledger_codes
from service.programme.progress import EXCLUDED, STAGES, ProjectState, count_once, project_states
from service.programme.cells import keep_as_text
from service.runtime import Runtime

MONEY, AREA, COUNT, DATE = "#,##0.00", "#,##0.00", "#,##0", "yyyy-mm-dd"
STATUS = {EXCLUDED: "未列入", **{i: label for i, (_k, label) in enumerate(STAGES)}}
# (header, record key, number format)
COLUMNS = (("街道", "street", None), ("项目名称", "name", None), ("小区", "communities", None), ("项目编号", "code", None),
           ("计划年度", "plan_year", None), ("进度", "status", None), ("小区数", "count", COUNT),
           ("建成年份（最早）", "built_year", None), ("幢数", "buildings", COUNT), ("套数", "households", COUNT),
           ("建筑面积（平方米）", "area", AREA), ("预算总额（元）", "budget", MONEY), ("核定预算（元）", "approved_budget", MONEY),
           ("决算总额（元）", "accounts", MONEY), ("市级补助资金（元）", "city", MONEY), ("区级配套资金（元）", "district", MONEY),
           ("申报日期", "declared_on", DATE), ("公示开始", "notice_start", DATE), ("公示结束", "notice_end", DATE),
           ("列入计划", "approved", None), ("开工日期", "started_on", DATE), ("竣工日期", "completed_on", DATE),
           ("验收日期", "accepted_on", DATE), ("移交日期", "handed_on", DATE), ("档案接收日期", "received_on", DATE),
           ("文书编号", "numbers", None))
SUMMED = ("count", "buildings", "households", "area", "budget", "approved_budget", "accounts", "city", "district")
DETAIL = (("街道", None), ("小区", None), ("项目编号", None), ("项目名称", None), ("计划年度", None), ("进度", None),
          ("建成年份", None), ("幢数", COUNT), ("套数", COUNT), ("建筑面积（平方米）", AREA))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _dec(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") and not isinstance(value, bool) else None
    except ArithmeticError:
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _doc(rt: Runtime, row: m.PackageRow | None) -> dict:
    if row is None:
        return {}
    doc = json.loads(rt.blobs.read(row.package_sha256))
    return doc if isinstance(doc, dict) else {}


def _section(doc: dict, *path: str) -> dict:
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc if isinstance(doc, dict) else {}


def projects(rt: Runtime, states: list[ProjectState] | None = None) -> list[dict]:
    """One record per project, from its current accepted packages, newest decision and receipt."""
    states = project_states(rt) if states is None else states
    with rt.reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.status == "accepted").order_by(m.PackageRow.id.desc())).all()
        decisions: dict[int, m.Approval] = {}
        for a in s.scalars(select(m.Approval).order_by(m.Approval.id)):
            decisions[a.package_id] = a  # the newest decision counts
        receipts = {r.project_code: r for r in s.scalars(select(m.Receipt).order_by(m.Receipt.id))}  # the newest counts
        numbers: dict[int, set[str]] = {}
        for d in s.scalars(select(m.DocumentRow)):
            numbers.setdefault(d.package_id, set()).add(d.number)
    current: dict[str, dict[str, m.PackageRow]] = {}
    for row in rows:
        current.setdefault(row.project_code, {}).setdefault(row.stage, row)
    result = []
    for st in sorted(states, key=lambda st: (st.street, st.code)):
        stages = current[st.code]
        decl, acc, hand = stages.get("declaration"), stages.get("acceptance"), stages.get("handover")
        declared, accepted = _doc(rt, decl), _doc(rt, acc)
        decision = decisions.get(decl.id) if decl else None
        notice, funding = _section(declared, "public_notice"), _section(declared, "plan", "funding")
        subsidy = _section(acc.report if acc else {}, "computed", "subsidy")
        names = [c.get("name") for c in st.communities if isinstance(c.get("name"), str)]
        years = [c["built_year"] for c in st.communities if isinstance(c.get("built_year"), int)]
        block = (decl or acc or hand).project or {}
        result.append({
            "street": st.street, "name": block.get("name") or "、".join(names), "communities": "、".join(names), "code": st.code,
            "plan_year": st.plan_year, "status": STATUS[st.stage], "count": len(names), "built_year": min(years) if years else None,
            "buildings": sum(_int(c.get("buildings")) for c in st.communities),
            "households": sum(_int(c.get("households")) for c in st.communities),
            "area": sum((_dec(c.get("floor_area_m2")) or Decimal(0) for c in st.communities), Decimal(0)),
            "budget": _dec(decl.budget_yuan) if decl else None,
            "approved_budget": _dec(decision.approved_budget_yuan) if decision and decision.approved else None,
            "accounts": _dec(_section(accepted, "final_accounts").get("total_yuan")),
            # The city's subsidy as the plan fixes it on the final accounts (before acceptance: as declared);
            # the district's matching fund (区级配套资金) as the district committed it in the declaration.
            "city": _dec(subsidy.get("city_yuan")) if subsidy else _dec(funding.get("city_yuan")),
            "district": _dec(funding.get("district_yuan")),
            "declared_on": _date(decl.submitted_on) if decl else None,
            "notice_start": _date(notice.get("start")), "notice_end": _date(notice.get("end")),
            "approved": ("是" if decision.approved else "否") if decision else "",
            "started_on": _date(_section(accepted, "implementation").get("started_on")),
            "completed_on": _date(_section(accepted, "implementation").get("completed_on")),
            "accepted_on": _date(_section(accepted, "acceptance").get("date")), "handed_on": _date(hand.submitted_on) if hand else None,
            "received_on": _date(receipts[st.code].received_on) if st.code in receipts else None,
            "numbers": " ".join(sorted(n for r in stages.values() for n in numbers.get(r.id, ()))),
        })
    return result


def _put(sheet, values: list, formats: list[str | None]) -> None:
    """Append a row; a text is always a string (never a formula), a figure or date gets its number format."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, (value, fmt) in enumerate(zip(values, formats), start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str) and value.startswith(FORMULA_START):
            cell.data_type = "s"
        if fmt and value is not None and not isinstance(value, str):
            cell.number_format = fmt


def workbook(rt: Runtime) -> bytes:
    """The ledger as XLSX bytes."""
    states = project_states(rt)
    records = projects(rt, states)
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    _put(sheet, [h for h, _k, _f in COLUMNS], [None] * len(COLUMNS))
    for r in records:
        _put(sheet, [r[k] for _h, k, _f in COLUMNS], [f for _h, _k, f in COLUMNS])
    _format(sheet)
    names = {r["code"]: r["name"] for r in records}
    detail = book.create_sheet("小区明细")
    _put(detail, [h for h, _f in DETAIL], [None] * len(DETAIL))
    for st, c in sorted(count_once(states).communities, key=lambda p: (p[0].street, p[0].code)):
        _put(detail, [st.street, c.get("name"), st.code, names.get(st.code), st.plan_year, STATUS[st.stage], c.get("built_year"),
                      _int(c.get("buildings")), _int(c.get("households")), _dec(c.get("floor_area_m2")) or Decimal(0)],
             [f for _h, f in DETAIL])
    _format(detail)
    totals = book.create_sheet("汇总")
    heads = ("街道", "计划年度", "项目数", "小区数", "幢数", "套数", "建筑面积（平方米）", "预算总额（元）", "核定预算（元）", "决算总额（元）",
             "市级补助资金（元）", "区级配套资金（元）")
    fmts = [None, None, COUNT, COUNT, COUNT, COUNT, AREA, MONEY, MONEY, MONEY, MONEY, MONEY]
    _put(totals, list(heads), [None] * len(heads))
    groups: dict[tuple, dict] = {}
    for r in records:
        if r["status"] == STATUS[EXCLUDED]:
            continue  # a refused project is not part of the programme's figures
        g = groups.setdefault((r["street"], r["plan_year"]), {"projects": 0, **{k: Decimal(0) for k in SUMMED}})
        g["projects"] += 1
        for k in SUMMED:
            g[k] += Decimal(r[k] or 0)
    for (street, year), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        _put(totals, [street, year, g["projects"], *_sums(g)], fmts)
    grand = {k: sum((g[k] for g in groups.values()), Decimal(0)) for k in ("projects", *SUMMED)}
    _put(totals, ["合计", "", int(grand["projects"]), *_sums(grand)], fmts)
    _format(totals)
    ledger_codes.add_sheet(book, rt)
    keep_as_text(book)  # last, so that every cell written above goes through it
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sums(g: dict) -> list:
    return [int(g["count"]), int(g["buildings"]), int(g["households"]), g["area"], g["budget"], g["approved_budget"], g["accounts"],
            g["city"], g["district"]]


def _format(sheet) -> None:
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column in range(1, sheet.max_column + 1):
        width = max(len(str(c.value or "")) for c in sheet[get_column_letter(column)]) + 4
        sheet.column_dimensions[get_column_letter(column)].width = min(40, max(10, width))
