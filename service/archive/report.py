"""The four-property report written out: JSON for programs, a PDF/A document for people."""
from __future__ import annotations

from datetime import date

from service.archive.fourprops import PROPERTIES, PROPERTY_NAMES, FourPropertyReport
from service.config import Settings
from service.domain import values as v
from service.domain.documents import DocumentKind, blocks_all, document_number
from service.domain.documents.common import Issue, base, day
from service.domain.project import is_multi, project_name
from service.i18n import render as render_msg
from service.render import pdf
from service.render.layouts import LAYOUTS

KIND = DocumentKind("four-property-check", "handover", "JC", "档案四性检测报告", blocks_all, lambda *a: {})


def to_json(report: FourPropertyReport, lang: str = "zh") -> dict:
    """The report as data: each property with its checks, and the verdict."""
    return {
        "standard": "DA/T 70-2018",
        "project": report.project,
        "checked_on": report.checked_on,
        "passed": report.passed,
        "properties": {
            prop: {
                "name": PROPERTY_NAMES[prop],
                "passed": all(c.passed for c in report.checks if c.prop == prop),
                "checks": [{"item": c.item, "passed": c.passed, "detail": render_msg(c.detail, lang)}
                           for c in report.checks if c.prop == prop],
            } for prop in PROPERTIES
        },
    }


def four_property_pdf(report: FourPropertyReport, handover, settings: Settings) -> bytes:
    """The report as a PDF/A-1b document."""
    issue = Issue(document_number(KIND, handover.sha256), settings.public_url, settings.fonds)
    ctx = base(handover.data, issue, "老旧小区综合改造提升项目档案四性检测报告")
    failed = len(report.failures())
    title = project_name(handover.data) if is_multi(handover.data) else f"{ctx['community']}综合改造提升项目"
    ctx["intro"] = (f"依据DA/T 70-2018《文书类电子档案检测一般要求》，对{title}"
                    f"（项目编号：{ctx['project_code']}）移交的电子文件进行真实性、完整性、可用性和安全性检测。"
                    f"共检测{len(report.checks)}项，通过{len(report.checks) - failed}项，未通过{failed}项。"
                    f"检测结论：{'通过' if report.passed else '不通过'}。")
    ctx["checks"] = [{"prop": PROPERTY_NAMES[c.prop], "item": c.item, "result": "通过" if c.passed else "不通过",
                      "detail": render_msg(c.detail, "zh")} for c in sorted(report.checks, key=lambda c: PROPERTIES.index(c.prop))]
    ctx["date_text"] = day(handover.data, "/handover/date")
    issued = v.day(handover.data, "/handover/date") or date(2019, 11, 15)
    return pdf.render(LAYOUTS["four-property-check"], ctx, issued, ctx["title"])
