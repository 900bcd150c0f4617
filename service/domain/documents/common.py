"""What every document carries: identity, provenance and the project's scale."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping

from service.domain import formats as fmt
from service.domain import values as v
from service.domain.project import Community, communities, is_multi
from service.domain.ruleset import RuleSet


@dataclass(frozen=True)
class Issue:
    """Where and how a document is issued: its number, and the public address that verifies it."""

    number: str
    public_url: str
    fonds: str = "J001"
    # The 档号 the archive's registry allocated, by file SHA-256 (the service's documents); None
    # where there is no registry (the command line): the codes are then drafts, `…-待编`.
    archive: Mapping[str, str] | None = None

    @property
    def draft(self) -> bool:
        """Whether the archival codes are provisional (and the document a draft /verify does not know)."""
        return self.archive is None

    @property
    def verify_url(self) -> str:
        """The page a QR code on the document leads to."""
        return f"{self.public_url.rstrip('/')}/verify/{self.number}"


def base(doc: dict, issue: Issue, title: str) -> dict:
    """The fields every template uses."""
    code = v.text(doc, "/project/code") or ""
    listed = communities(doc)
    return {
        "title": title,
        "project_code": code,
        "doc_number": issue.number,
        "verify_url": issue.verify_url,
        "provenance": f"项目编号 {code}　文书编号 {issue.number}",
        "community": "、".join(c.name or "" for c in listed),
        "project_name": project_name(doc),
        "street": v.text(doc, "/project/street") or "",
        "address": (v.text(doc, "/project/address") or "") if not is_multi(doc) else
                   "；".join(f"{c.name or ''}：{c.get('address') or ''}" for c in listed),
    }


def project_name(doc: dict) -> str:
    """项目名称: 1.1's project.name; for 1.0 the community's name and 综合改造提升项目."""
    if is_multi(doc):
        return v.text(doc, "/project/name") or ""
    return f"{v.text(doc, '/project/community') or ''}综合改造提升项目"


def _scale(c: Community) -> str:
    area = c.number("floor_area_m2") or Decimal(0)
    return f"{c.integer('buildings')}幢、{c.integer('households') or 0}套，建筑面积{fmt.area(area)}"


def scale(doc: dict) -> str:
    """32幢、1650套，建筑面积98,500.50平方米 — for 1.1 each community's, then the total (counts are
    written without thousands separators, as officials write them; money and areas keep them)."""
    listed = communities(doc)
    if not is_multi(doc):
        return _scale(listed[0]) if listed else ""
    parts = [f"{c.name or ''}{_scale(c)}" for c in listed]
    if len(listed) > 1:
        area = sum((c.number("floor_area_m2") or Decimal(0) for c in listed), Decimal(0))
        parts.append(f"合计{sum(c.integer('buildings') or 0 for c in listed)}幢、"
                     f"{sum(c.integer('households') or 0 for c in listed)}套，建筑面积{fmt.area(area)}")
    return "；".join(parts)


def dated(doc: dict, pointer: str) -> date:
    """The document's own date (its pointer), else the package's submission day, else the latest
    entries of the tables (a document always names some body; a missing date is a SCHEMA finding)."""
    return v.day(doc, pointer) or v.day(doc, "/submitted_on") or date.max


def issuing_body(ruleset: RuleSet, doc: dict, role: str, day: date) -> str:
    """The body of `role` for the project's street on the document's date (schemas/authorities.json)."""
    if ruleset.authorities is None:
        return v.text(doc, "/submitter/unit") or ""
    return ruleset.authorities.issuing_body(v.text(doc, "/project/street"), role, day)


def cited_plan(ruleset: RuleSet, day: date) -> str:
    """The plan in force on the document's date, as cited: 《…》（文号）."""
    if ruleset.authorities is None:
        return ruleset.data["plan_name"]
    return ruleset.authorities.cited_plan(day).citation


def day(doc: dict, pointer: str) -> str:
    """A date of the package written the Chinese way, or empty."""
    value = v.day(doc, pointer)
    return fmt.day(value) if value else ""


def money_with_capital(amount: Decimal) -> str:
    """1,200,000.00元（大写：壹佰贰拾万元整）"""
    return f"{fmt.yuan(amount)}（大写：{fmt.capital(amount)}）"
