"""Issue a document from a checked package: refuse it when a blocking rule failed, else render."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.config import Settings
from service.domain import values as v
from service.domain.check import Checker
from service.domain.documents import blocking, document_number, kinds
from service.domain.documents.common import Issue
from service.domain.findings import Finding, Report
from service.domain.package import Package
from service.domain.ruleset import choose
from service.render import docx, pdf
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


@dataclass(frozen=True)
class Rendered:
    """A generated document: its bytes and what identifies it."""

    kind: str
    fmt: str
    number: str
    title: str
    data: bytes

    @property
    def media_type(self) -> str:
        """The HTTP content type of the format."""
        return FORMATS[self.fmt]


def render(kind_name: str, fmt: str, package: Package, report: Report, checker: Checker,
           settings: Settings | None = None) -> Rendered:
    """Render one document of `package`; raises Blocked, KeyError for an unknown kind or format."""
    settings = settings or Settings.from_env()
    kind = kinds()[kind_name]
    if fmt not in FORMATS:
        raise KeyError(fmt)
    refusals = blocking(kind, report)
    if refusals:
        raise Blocked(refusals)
    ruleset = choose(checker.rulesets, v.integer(package.data, "/project/plan_year"))
    issue = Issue(document_number(kind, package.sha256), settings.public_url, settings.fonds)
    ctx = kind.context(package.data, report, ruleset, issue)
    issued = v.day(package.data, _ISSUED_ON[kind_name]) or v.day(package.data, "/submitted_on") or date(2019, 11, 15)
    if fmt == "docx":
        data = docx.render(templates() / f"{kind_name}.docx", ctx, issued, ctx["title"])
    else:
        data = pdf.render(LAYOUTS[kind_name], ctx, issued, ctx["title"])
    return Rendered(kind_name, fmt, issue.number, ctx["title"], data)
