"""《老旧小区综合改造提升项目档案移交书》 and its 移交目录 — from a handover."""
from __future__ import annotations

from service.domain import values as v
from service.domain.archive import archival_codes
from service.domain.documents.common import Issue, base, cited_plan, dated, day, issuing_body
from service.domain.findings import Report
from service.domain.pointer import resolve
from service.domain.project import communities
from service.domain.rules.base import attachment_index, each
from service.domain.ruleset import RuleSet

CATEGORY_LABELS = {
    "declaration": "申报材料", "design": "设计及审查", "procurement": "招投标", "construction": "施工",
    "supervision": "监理", "acceptance": "竣工验收", "financial": "财务决算", "management": "长效管理",
}
RETENTION_LABELS = {"permanent": "永久", "long": "长期", "short": "短期"}
DRAFT_NOTE = "【草稿】档号待档案馆受理移交后编定，本稿不作移交凭证，其文书编号不能查验。"


def context(doc: dict, report: Report, ruleset: RuleSet, issue: Issue) -> dict:
    """Everything the transfer record says, as text."""
    # A draft keeps the title (one line of 2号 holds 20 characters: a suffix would break it) and says
    # what it is in its first paragraph (【草稿】) and its number (YJ-DRAFT-…).
    ctx = base(doc, issue, "老旧小区综合改造提升项目档案移交书")
    documents = [d for _i, d in each(resolve(doc, "/handover/documents"))]
    listed = attachment_index(doc)
    codes = archival_codes(doc, issue.fonds, issue.archive)
    rows = []
    for n, (d, code) in enumerate(zip(documents, codes), start=1):
        entry = listed.get(d.get("file"), (0, {}))[1] if isinstance(d.get("file"), str) else {}
        rows.append({"no": str(n), "code": code, "category": CATEGORY_LABELS.get(d.get("category"), ""),
                     "title": d.get("title", ""), "responsible": d.get("responsible", ""),
                     "date": (d.get("date") or "").replace("-", ""), "pages": str(d.get("pages", "")),
                     "retention": RETENTION_LABELS.get(d.get("retention"), ""),
                     "sha": (entry.get("sha256") or "")[:12]})
    ctx["documents"] = rows
    count = {k: sum(1 for d in documents if d.get("retention") == k) for k in RETENTION_LABELS}
    pages = sum(v.integer(d, "/pages") or 0 for d in documents)
    ctx["from_unit"] = v.text(doc, "/handover/from_unit") or ""
    ctx["to_unit"] = v.text(doc, "/handover/to_unit") or ""
    on = dated(doc, "/handover/date")
    names = [c.name or "" for c in communities(doc)]
    included = f"，含{'、'.join(names)}共{len(names)}个小区" if len(names) > 1 else ""
    ctx["intro"] = (f"按照{cited_plan(ruleset, on)}关于资料整理、归档和移交的要求，"
                    f"{ctx['from_unit']}将{ctx['project_name']}（项目编号：{ctx['project_code']}{included}）档案"
                    f"移交{ctx['to_unit']}。本次移交文件共{len(documents)}件、{pages}页，其中永久保存{count['permanent']}件、"
                    f"长期保存{count['long']}件、短期保存{count['short']}件。移交目录如下：")
    if issue.draft:  # why it is a draft, where a reader sees it first
        ctx["intro"] = DRAFT_NOTE + ctx["intro"]
    ctx["handed_by"] = v.text(doc, "/handover/handed_by") or ""
    ctx["received_by"] = v.text(doc, "/handover/received_by") or ""
    ctx["unit"] = issuing_body(ruleset, doc, "street", on)
    ctx["date_text"] = day(doc, "/handover/date")
    return ctx
