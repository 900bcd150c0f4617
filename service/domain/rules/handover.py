"""Handover — 三（四）4 资料整理、归档和移交: categories, retention, pages, order of stages."""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, N_, WARNING, Msg
from service.domain.pointer import join, resolve
from service.domain.rules.base import Context, Rule, attachment_index, each

CATEGORY_NAMES = {
    "declaration": N_("declaration (申报材料)"), "design": N_("design and review (设计及审查)"),
    "procurement": N_("tendering (招投标)"), "construction": N_("construction (施工)"),
    "supervision": N_("supervision (监理)"), "acceptance": N_("completion acceptance (竣工验收)"),
    "financial": N_("final accounts (财务决算)"), "management": N_("long-term management (长效管理)"),
}


def categories(ctx: Context):
    docs = resolve(ctx.doc, "/handover/documents")
    if not isinstance(docs, list):
        return
    present = {d["category"] for _i, d in each(docs) if isinstance(d.get("category"), str)}
    for category in ctx.ruleset.data["archive"]["categories"]:
        if category not in present:
            yield "/handover/documents", N_("no document of the category {category} is handed over"), {"category": Msg(CATEGORY_NAMES[category])}


def retention(ctx: Context):
    permanent = set(ctx.ruleset.data["archive"]["permanent_categories"])
    for i, d in each(resolve(ctx.doc, "/handover/documents")):
        category = d.get("category")
        if isinstance(category, str) and category in permanent and d.get("retention") in ("long", "short"):
            yield join("handover", "documents", i, "retention"), N_("documents of the category {category} are kept permanently, not “{retention}”"), {"category": Msg(CATEGORY_NAMES[d["category"]]), "retention": d["retention"]}


def pages(ctx: Context):
    listed = attachment_index(ctx.doc)
    for i, d in each(resolve(ctx.doc, "/handover/documents")):
        declared, ref = v.integer(d, "/pages"), d.get("file")
        entry = listed.get(ref) if isinstance(ref, str) else None
        name = entry[1].get("file") if entry else None
        info = ctx.inspect(name) if isinstance(name, str) else None
        if declared is not None and info is not None and info.kind == "pdf" and info.pages is not None and info.pages != declared:
            yield join("handover", "documents", i, "pages"), N_("“{title}” is listed with {declared} pages, but its PDF has {actual}"), {"title": d.get("title", ""), "declared": declared, "actual": info.pages}


def after_acceptance(ctx: Context):
    code = v.text(ctx.doc, "/project/code")
    if code is None:
        return
    if ctx.history is None:
        yield "/project/code", N_("whether project {code} passed its joint acceptance cannot be verified here: the service checks it on submission"), {"code": code}
    elif not ctx.history.has_passed_acceptance(code):
        yield "/project/code", N_("project {code} has no passed acceptance package: submit the acceptance before the handover"), {"code": code}


RULES = (
    Rule("ARCHIVE-CATEGORIES", ERROR, "handover", categories),
    Rule("ARCHIVE-RETENTION", ERROR, "handover", retention),
    Rule("ARCHIVE-PAGES", ERROR, "handover", pages),
    Rule("HANDOVER-AFTER-ACCEPTANCE", ERROR, "handover", after_acceptance, offline_severity=WARNING),
)
