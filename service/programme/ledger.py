"""The district ledger (信息数据台账, 四（三）): every project in an XLSX workbook, with totals."""
from __future__ import annotations

import io
import json
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from service.db import models as m
from service.runtime import Runtime

HEADERS = ("街道", "小区", "项目编号", "计划年度", "进度", "幢数", "套数", "建筑面积（平方米）", "预算总额（元）", "决算总额（元）",
           "市级补助（元）", "区级补助（元）", "申报日期", "公示期", "列入计划", "验收日期", "移交日期", "档案接收", "文书编号")
MONEY, AREA, COUNT = "#,##0.00", "#,##0.00", "#,##0"
SUMMED = ("buildings", "households", "area", "budget", "accounts", "city", "district")


def _dec(value) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def projects(rt: Runtime) -> list[dict]:
    """One record per project, from its current accepted packages, decision and receipt."""
    with rt.reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.status == "accepted").order_by(m.PackageRow.id.desc())).all()
        approvals = {}
        for a in s.scalars(select(m.Approval).order_by(m.Approval.id)):
            approvals[a.package_id] = a  # the newest decision counts
        receipts = {r.project_code: r for r in s.scalars(select(m.Receipt).order_by(m.Receipt.id))}  # the newest counts
        numbers: dict[int, set[str]] = {}
        for d in s.scalars(select(m.DocumentRow)):
            numbers.setdefault(d.package_id, set()).add(d.number)
    current: dict[str, dict[str, m.PackageRow]] = {}
    for row in rows:
        current.setdefault(row.project_code, {}).setdefault(row.stage, row)
    result = []
    for code, stages in sorted(current.items(), key=lambda kv: (next(iter(kv[1].values())).street, kv[0])):
        decl, acc, hand = stages.get("declaration"), stages.get("acceptance"), stages.get("handover")
        base = decl or acc or hand
        project = base.project or {}
        decision = approvals.get(decl.id) if decl else None
        accepted = json.loads(rt.blobs.read(acc.package_sha256)) if acc else {}
        notice = (json.loads(rt.blobs.read(decl.package_sha256)).get("public_notice") or {}) if decl else {}
        subsidy = (acc.report.get("computed") or {}).get("subsidy") or {} if acc else {}
        status = ("档案已接收" if code in receipts else "已移交" if hand else "已验收" if acc else
                  "已列入年度计划" if decision and decision.approved else "未列入" if decision else "已申报")
        result.append({
            "street": base.street, "community": base.community, "code": code, "plan_year": base.plan_year, "status": status,
            "buildings": project.get("buildings") or 0, "households": project.get("households") or 0,
            "area": _dec(project.get("floor_area_m2")) or Decimal(0), "budget": _dec(decl.budget_yuan) if decl else None,
            "accounts": _dec((accepted.get("final_accounts") or {}).get("total_yuan")),
            "city": _dec(subsidy.get("city_yuan")), "district": _dec(subsidy.get("district_yuan")),
            "declared_on": decl.submitted_on if decl else "", "notice": f"{notice.get('start', '')}—{notice.get('end', '')}" if notice else "",
            "approved": ("是" if decision.approved else "否") if decision else "",
            "accepted_on": (accepted.get("acceptance") or {}).get("date", ""), "handed_on": hand.submitted_on if hand else "",
            "received_on": receipts[code].received_on if code in receipts else "",
            "numbers": " ".join(sorted(n for r in stages.values() for n in numbers.get(r.id, ()))),
        })
    return result


def workbook(rt: Runtime) -> bytes:
    """The ledger as XLSX bytes: the projects, and totals by street and plan year."""
    records = projects(rt)
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(HEADERS)
    for r in records:
        sheet.append([r["street"], r["community"], r["code"], r["plan_year"], r["status"], r["buildings"], r["households"],
                      r["area"], r["budget"], r["accounts"], r["city"], r["district"], r["declared_on"], r["notice"],
                      r["approved"], r["accepted_on"], r["handed_on"], r["received_on"], r["numbers"]])
    _format(sheet, {6: COUNT, 7: COUNT, 8: AREA, 9: MONEY, 10: MONEY, 11: MONEY, 12: MONEY})
    totals = book.create_sheet("汇总")
    totals.append(("街道", "计划年度", "项目数", "幢数", "套数", "建筑面积（平方米）", "预算总额（元）", "决算总额（元）", "市级补助（元）", "区级补助（元）"))
    groups: dict[tuple, dict] = {}
    for r in records:
        g = groups.setdefault((r["street"], r["plan_year"]), {"count": 0, **{k: Decimal(0) for k in SUMMED}})
        g["count"] += 1
        for k in SUMMED:
            g[k] += Decimal(r[k] or 0)
    for (street, year), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        totals.append((street, year, g["count"], int(g["buildings"]), int(g["households"]), g["area"], g["budget"], g["accounts"], g["city"], g["district"]))
    grand = {k: sum((g[k] for g in groups.values()), Decimal(0)) for k in SUMMED}
    totals.append(("合计", "", sum(g["count"] for g in groups.values()), int(grand["buildings"]), int(grand["households"]),
                   grand["area"], grand["budget"], grand["accounts"], grand["city"], grand["district"]))
    _format(totals, {3: COUNT, 4: COUNT, 5: COUNT, 6: AREA, 7: MONEY, 8: MONEY, 9: MONEY, 10: MONEY})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format(sheet, formats: dict[int, str]) -> None:
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in formats and cell.value is not None:
                cell.number_format = formats[cell.column]
    for column in range(1, sheet.max_column + 1):
        width = max(len(str(c.value or "")) for c in sheet[get_column_letter(column)]) + 4
        sheet.column_dimensions[get_column_letter(column)].width = min(40, max(10, width))
