"""Documents on demand: generated once per package, kind and format, stored, and verifiable."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from service.accounts import Principal, iso, now
from service.audit import append
from service.db import models as m
from service.documents import FORMATS, Blocked, render
from service.domain.documents import kinds
from service.runtime import Runtime
from service.submissions import get, load, report_of

DOWNLOADERS = ("street", "clerk", "archivist")


@dataclass(frozen=True)
class Issued:
    """A document as served: its bytes and what identifies it."""

    kind: str
    fmt: str
    number: str
    title: str
    sha256: str
    data: bytes
    project_code: str

    @property
    def media_type(self) -> str:
        """The HTTP content type."""
        return FORMATS[self.fmt]

    @property
    def filename(self) -> str:
        """A file name a clerk recognises: project code and the document's title."""
        return f"{self.project_code}-{self.title}.{self.fmt}"


def document(rt: Runtime, user: Principal, package_id: int, kind: str, fmt: str) -> Issued:
    """The document of a package, generated the first time; raises NotFound, Blocked, KeyError."""
    if kind not in kinds() or fmt not in FORMATS:
        raise KeyError(kind)
    stored = get(rt, user, package_id)
    with rt.reading() as s:
        row = s.scalar(select(m.DocumentRow).where(m.DocumentRow.package_id == package_id, m.DocumentRow.kind == kind,
                                                   m.DocumentRow.format == fmt))
    if row is not None:
        return Issued(kind, fmt, row.number, row.title, row.sha256, rt.blobs.read(row.sha256), stored.row.project_code)
    report = report_of(stored)
    rendered = render(kind, fmt, load(rt, stored), report, rt.checker, rt.settings)  # raises Blocked
    digest = rt.blobs.put(rendered.data)
    try:
        with rt.writing() as s:
            s.add(m.DocumentRow(package_id=package_id, kind=kind, format=fmt, number=rendered.number, sha256=digest,
                                title=rendered.title, issued_at=now()))
            s.flush()
            append(s, user.name, "document.issue", f"package/{package_id}",
                   {"kind": kind, "format": fmt, "number": rendered.number, "sha256": digest})
    except IntegrityError:
        pass  # issued by a concurrent request a moment ago: the bytes are the same
    return Issued(kind, fmt, rendered.number, rendered.title, digest, rendered.data, stored.row.project_code)


def verify(rt: Runtime, number_or_sha256: str) -> dict | None:
    """What was issued under a document number or with a file digest; None if nothing."""
    key = number_or_sha256.strip()
    with rt.reading() as s:
        hit = s.scalar(select(m.DocumentRow).where(or_(m.DocumentRow.number == key.upper(), m.DocumentRow.sha256 == key.lower()))
                       .order_by(m.DocumentRow.id).limit(1))
        if hit is None:
            return None
        formats = list(s.scalars(select(m.DocumentRow).where(m.DocumentRow.number == hit.number).order_by(m.DocumentRow.format)))
        package = s.get(m.PackageRow, hit.package_id)
    return {
        "document_number": hit.number,
        "kind": hit.kind,
        "title": hit.title,
        "project": package.project_code,
        "package": package.id,
        "issued_at": iso(min(d.issued_at for d in formats)),
        "files": [{"format": d.format, "sha256": d.sha256} for d in formats],
    }


__all__ = ["Blocked", "Issued", "document", "verify", "DOWNLOADERS"]
