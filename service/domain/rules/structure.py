"""Structure rules that apply to every stage: street, attachment references and files."""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, Msg, N_, WARNING
from service.domain.pointer import join, resolve
from service.domain.rules.base import Context, Rule, attachment_index, each

# Where each stage refers to attachments by id.
_FIXED_REFS = {
    "declaration": [
        *(f"/plan/documents/{k}" for k in ("design_proposal", "budget_estimate", "resident_funding_plan",
                                             "maintenance_fund_plan", "property_service_plan",
                                             "long_term_management_plan")),
        "/consent/evidence",
        "/public_notice/evidence",
    ],
    "acceptance": ["/implementation/design_review/opinion", "/acceptance/minutes", "/final_accounts/report"],
    "handover": [],
}


def references(doc, stage: str | None) -> list[tuple[str, str]]:
    """(pointer, attachment id) of every reference the package makes to an attachment."""
    refs = [(p, v.text(doc, p)) for p in _FIXED_REFS.get(stage or "", [])]
    if stage == "handover":
        refs += [(join("handover", "documents", i, "file"), d.get("file"))
                 for i, d in each(resolve(doc, "/handover/documents"))]
    return [(p, ref) for p, ref in refs if isinstance(ref, str)]


def project_street(ctx: Context):
    project, submitter = v.text(ctx.doc, "/project/street"), v.text(ctx.doc, "/submitter/street")
    if project is not None and submitter is not None and project != submitter:
        yield "/project/street", N_("the project's street “{project}” is not the submitting street “{submitter}”: a street declares only its own projects"), {"project": project, "submitter": submitter}


def attachment_ref(ctx: Context):
    listed = attachment_index(ctx.doc)
    for pointer, ref in references(ctx.doc, ctx.package.stage):
        if ref not in listed:
            yield pointer, N_("“{id}” is not the id of any entry in attachments: list the file there"), {"id": ref}
    seen: set[str] = set()
    for i, entry in each(resolve(ctx.doc, "/attachments")):
        ident = entry.get("id")
        if isinstance(ident, str):
            if ident in seen:
                yield join("attachments", i, "id"), N_("the attachment id “{id}” is used twice: give each file its own id"), {"id": ident}
            seen.add(ident)


def _listed_files(ctx: Context):
    """(index, entry, file path) of listed attachments with a usable file path."""
    for i, entry in each(resolve(ctx.doc, "/attachments")):
        name = entry.get("file")
        if isinstance(name, str) and name and not name.startswith("/") and ".." not in name.split("/"):
            yield i, entry, name


def attachment_missing(ctx: Context):
    files = ctx.package.files
    for i, entry, name in _listed_files(ctx):
        if files is None or name not in files:
            yield join("attachments", i, "file"), N_("the file “{file}” ({title}) is not in the package: attach it"), {"file": name, "title": entry.get("title", "")}


def attachment_checksum(ctx: Context):
    for i, entry, name in _listed_files(ctx):
        info = ctx.inspect(name)
        expected = entry.get("sha256")
        if info is not None and isinstance(expected, str) and info.sha256 != expected:
            yield join("attachments", i, "sha256"), N_("the file “{file}” has SHA-256 {actual}, not the {expected} listed: the file changed after it was listed, or the wrong file was attached"), {"file": name, "actual": info.sha256, "expected": expected}


def attachment_type(ctx: Context):
    for i, _entry, name in _listed_files(ctx):
        info = ctx.inspect(name)
        if info is not None and info.problem is not None:
            yield join("attachments", i, "file"), N_("the file “{file}” is {problem}"), {"file": name, "problem": info.problem}


def attachment_unlisted(ctx: Context):
    if ctx.package.files is None:
        return
    listed = {name for _i, _e, name in _listed_files(ctx)}
    for name in sorted({*ctx.package.files, *ctx.package.unlisted}):
        if name != "package.json" and name not in listed:
            yield "/attachments", N_("the file “{file}” is in the package but not listed in attachments: list it or leave it out"), {"file": name}


RULES = (
    Rule("PROJECT-STREET", ERROR, None, project_street),
    Rule("ATTACHMENT-REF", ERROR, None, attachment_ref),
    Rule("ATTACHMENT-MISSING", ERROR, None, attachment_missing),
    Rule("ATTACHMENT-CHECKSUM", ERROR, None, attachment_checksum),
    Rule("ATTACHMENT-TYPE", ERROR, None, attachment_type),
    Rule("ATTACHMENT-UNLISTED", WARNING, None, attachment_unlisted),
)

__all__ = ["RULES", "references", "Msg"]
