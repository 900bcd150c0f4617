"""Issue a document from a checked package: refuse it when a blocking rule failed, else render."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Mapping

from service.config import Settings
from service.domain import values as v
from service.domain.check import Checker
from service.domain.documents import blocking, document_number, kinds
from service.domain.documents.common import Issue
from service.domain.findings import Finding, Report
from service.domain.package import Package
from service.domain.ruleset import choose
from service.render import docx, pdf
from service.render.fonts import MissingGlyph
from service.render.layouts import LAYOUTS
from service.resources import templates

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}
# The day a document is dated: when the notice goes up, when the acceptance met, when files moved.
_ISSUED_ON = {"notice": "/public_notice/start", "acceptance-certificate": "/acceptance/date", "handover-record": "/handover/date",
              "subsidy-statement": "/final_accounts/audited_on"}


class Blocked(Exception):
    """The document cannot be issued from this package; `findings` say why."""

    def __init__(self, findings: list[Finding]):
        super().__init__(", ".join(f.rule for f in findings))
        self.findings = findings

    def __reduce__(self):  # rebuilt from its findings in another process (batch workers)
        return Blocked, (self.findings,)


@dataclass(frozen=True)
class Rendered:
    """A generated document: its bytes and what identifies it."""

    kind: str
    fmt: str
    number: str
    title: str
    data: bytes
    closing: tuple[int, float] | None = None  # PDF: (page, y) where the closing block ends
    unsigned_sha256: str | None = None  # a signed PDF: the digest of the render it signs

    @property
    def media_type(self) -> str:
        """The HTTP content type of the format."""
        return FORMATS[self.fmt]

    @property
    def signed(self) -> bool:
        """Whether the bytes carry the office's signature."""
        return self.unsigned_sha256 is not None


def issued_on(kind_name: str, package: Package) -> date:
    """The date a document bears (its PDF's creation date; no signature may be older)."""
    return v.day(package.data, _ISSUED_ON[kind_name]) or v.day(package.data, "/submitted_on") or date(2019, 11, 15)


def sign(rendered: Rendered, key) -> Rendered:
    """A PDF signed by `key` (a service.signing.keys.SigningKey) in a field beside its closing
    block; a DOCX, or any document when `key` is None, comes back as it was."""
    if key is None or rendered.fmt != "pdf" or rendered.signed:
        return rendered
    from reportlab.lib.units import mm

    from service.render import gbt9704 as g
    from service.signing import pades

    page, bottom = rendered.closing or (-1, g.BOTTOM_MM * mm)
    left = g.LEFT_MM * mm
    top = min(bottom + 2 + 56, (297 - g.TOP_MM) * mm)
    box = pades.Box(page, left, top - 56, left + 72 * mm, top)
    return replace(rendered, data=pades.sign(rendered.data, key, rendered.number, box),
                   unsigned_sha256=hashlib.sha256(rendered.data).hexdigest())


def _word_plan(kind_name: str, ctx: dict) -> dict:
    """The PDF's tightened page, for Word to tighten the same (pdf.plan); none when no PDF can be
    drawn (a character no font has: Word substitutes a face where the PDF cannot)."""
    try:
        return pdf.plan(LAYOUTS[kind_name], ctx)
    except MissingGlyph:
        return {}


def render(kind_name: str, fmt: str, package: Package, report: Report, checker: Checker,
           settings: Settings | None = None, archive: Mapping[str, str] | None = None) -> Rendered:
    """Render one document of `package`; raises Blocked, KeyError for an unknown kind or format.

    `archive`: the archival codes the registry allocated, by file SHA-256. Without it (the command
    line) a document that lists codes is a draft: codes `…-待编`, a draft number /verify does not know."""
    settings = settings or Settings.from_env()
    kind = kinds()[kind_name]
    if fmt not in FORMATS:
        raise KeyError(fmt)
    refusals = blocking(kind, report)
    if refusals:
        raise Blocked(refusals)
    ruleset = choose(checker.rulesets, v.integer(package.data, "/project/plan_year"))
    draft = kind.archival and archive is None
    issue = Issue(document_number(kind, package.sha256, draft), settings.public_url, settings.fonds, archive)
    ctx = kind.context(package.data, report, ruleset, issue)
    issued = issued_on(kind_name, package)
    marks: dict = {}
    if fmt == "docx":
        data = docx.render(templates() / f"{kind_name}.docx", ctx, issued, ctx["title"], _word_plan(kind_name, ctx))
    else:
        data = pdf.render(LAYOUTS[kind_name], ctx, issued, ctx["title"], marks=marks)
    return Rendered(kind_name, fmt, issue.number, ctx["title"], data, marks.get("closing"))
