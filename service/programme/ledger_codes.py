"""The ledger's sheet 档号: every archival code the archive's registry allocated, by project."""
from __future__ import annotations

from sqlalchemy import select

from service.db import models as m
from service.runtime import Runtime

SHEET = "档号"
HEADERS = ("项目编号", "小区", "街道", "档号", "题名", "文件日期", "保管期限", "SHA-256", "移交包", "编号时间")
RETENTION = {"Y": "永久", "C": "长期", "D": "短期"}


def codes(rt: Runtime) -> list[dict]:
    """One record per allocated code, by project and code."""
    with rt.reading() as s:
        rows = s.execute(select(m.ArchivalCode, m.PackageRow.community, m.PackageRow.street)
                         .join(m.PackageRow, m.PackageRow.id == m.ArchivalCode.package_id)).all()
    return [{"project": c.project_code, "community": community, "street": street, "code": c.code, "title": c.title,
             "date": c.document_date, "retention": RETENTION.get(c.retention, c.retention), "sha256": c.sha256,
             "package": c.package_id, "allocated_at": c.allocated_at.strftime("%Y-%m-%d %H:%M:%S")}
            for c, community, street in sorted(rows, key=lambda r: (r[0].project_code, r[0].fonds, r[0].year, r[0].retention, r[0].number))]


def add_sheet(book, rt: Runtime) -> None:
    """Append the sheet 档号 to the ledger workbook."""
    from service.programme.ledger import _format, _put

    sheet = book.create_sheet(SHEET)
    _put(sheet, list(HEADERS), [None] * len(HEADERS))
    for r in codes(rt):
        # Through the ledger's one cell writer: titles and names come from packages, and a text is never a formula.
        _put(sheet, [r["project"], r["community"], r["street"], r["code"], r["title"], r["date"], r["retention"], r["sha256"],
                     r["package"], r["allocated_at"]], [None] * len(HEADERS))
    _format(sheet)
