"""The generated documents: which exist, what blocks each, how each is numbered and filled.

Pure: this decides what a document says; `service/render/` decides how it looks (DOCX, PDF).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable

from service.domain.findings import ERROR, Finding, Msg, N_, Report

# Blocking rules of documents.md: the notice is printed while owners still vote, so what
# happens after it (consent, NOTICE-ORDER, DECL-DEADLINE, files still to attach) does not block.
_NOTICE_RULES = {"PROJECT-STREET", "BUDGET-SUM", "FUNDING-AFFORDABLE", "NOTICE-WORKING-DAYS", "CALENDAR-COVERAGE",
                 "PROJECT-OWNER", "COMMUNITY-ONCE"}  # programme.md: another street's code, a community twice
_NOTICE_PREFIXES = ("ELIG-", "PLAN-")
_NOTICE_SCHEMA_FREE = ("/consent", "/submitted_on", "/attachments")


NAMES = {
    "notice": N_("public notice of the renovation plan (改造方案公示)"),
    "acceptance-certificate": N_("joint completion acceptance certificate (联合竣工验收证书)"),
    "handover-record": N_("archive transfer record (档案移交书)"),
    "subsidy-statement": N_("subsidy determination (补助资金核定表)"),
}
STAGE_NAMES = {"declaration": N_("declaration (计划申报)"), "acceptance": N_("acceptance (项目验收)"), "handover": N_("handover (档案移交)")}


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def blocks_notice(f: Finding) -> bool:
    """Whether an error finding keeps the public notice from being issued."""
    if f.rule == "SCHEMA":
        return not _under(f.path, _NOTICE_SCHEMA_FREE)
    return f.rule in _NOTICE_RULES or f.rule.startswith(_NOTICE_PREFIXES)


def blocks_all(f: Finding) -> bool:
    """Every error blocks the certificate and the handover record."""
    return True


@dataclass(frozen=True)
class DocumentKind:
    """One kind of generated document."""

    kind: str
    stage: str
    code: str  # two letters in the document number
    title: str
    blocks: Callable[[Finding], bool]
    context: Callable[..., dict[str, Any]]
    archival: bool = False  # lists archival codes: a draft where no registry allocated them


def document_number(kind: "DocumentKind", package_sha256: str, draft: bool = False) -> str:
    """Reproducible number of a document: its kind's code and a digest of kind and package.

    A draft (archival codes still 待编) gets a number of its own, which the service never issues,
    so /verify does not take a draft for the record the service issues from the same package."""
    if draft:
        digest = hashlib.sha256(f"jiugai-draft:{kind.kind}:{package_sha256}".encode()).hexdigest()
        return f"{kind.code}-DRAFT-{digest[:16].upper()}"
    digest = hashlib.sha256(f"jiugai-document:{kind.kind}:{package_sha256}".encode()).hexdigest()
    return f"{kind.code}-{digest[:16].upper()}"


def blocking(kind: DocumentKind, report: Report) -> list[Finding]:
    """The findings that keep `kind` from being issued from this package (empty: it may be)."""
    if report.stage != kind.stage:
        return [Finding("DOCUMENT-STAGE", ERROR, "/stage", Msg(
            N_("the {document} is made from a {expected} package, not from a {stage} package"),
            {"document": Msg(NAMES[kind.kind]), "expected": Msg(STAGE_NAMES[kind.stage]),
             "stage": Msg(STAGE_NAMES[report.stage]) if report.stage in STAGE_NAMES else "?"}), "—")]
    return [f for f in report.errors if kind.blocks(f)]


def kinds() -> dict[str, DocumentKind]:
    """The registry of document kinds, by name."""
    from service.domain.documents import certificate, handover, notice, subsidy

    return {k.kind: k for k in (
        DocumentKind("notice", "declaration", "GS", "关于{community}综合改造提升方案的公示", blocks_notice, notice.context),
        DocumentKind("acceptance-certificate", "acceptance", "YS", "老旧小区综合改造提升项目联合竣工验收证书", blocks_all, certificate.context),
        DocumentKind("handover-record", "handover", "YJ", "老旧小区综合改造提升项目档案移交书", blocks_all, handover.context,
                     archival=True),
        DocumentKind("subsidy-statement", "acceptance", "BZ", subsidy.TITLE, blocks_all, subsidy.context),
    )}
