"""What every document carries: identity, provenance and the project's scale."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from service.domain import formats as fmt
from service.domain import values as v


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
    return {
        "title": title,
        "project_code": code,
        "doc_number": issue.number,
        "verify_url": issue.verify_url,
        "provenance": f"项目编号 {code}　文书编号 {issue.number}",
        "community": v.text(doc, "/project/community") or "",
        "street": v.text(doc, "/project/street") or "",
        "address": v.text(doc, "/project/address") or "",
    }


def scale(doc: dict) -> str:
    """32幢、1,650套，建筑面积98,500.50平方米"""
    area = v.number(doc, "/project/floor_area_m2") or Decimal(0)
    return f"{v.integer(doc, '/project/buildings')}幢、{v.integer(doc, '/project/households'):,}套，建筑面积{fmt.area(area)}"


def day(doc: dict, pointer: str) -> str:
    """A date of the package written the Chinese way, or empty."""
    value = v.day(doc, pointer)
    return fmt.day(value) if value else ""


def money_with_capital(amount: Decimal) -> str:
    """1,200,000.00元（大写：壹佰贰拾万元整）"""
    return f"{fmt.yuan(amount)}（大写：{fmt.capital(amount)}）"
