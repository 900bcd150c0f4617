"""Documents on demand: generated once per package, kind and format, stored, and verifiable."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from service.accounts import Principal, iso, now
from service.archive.registry import codes_for
from service.audit import append
from service.db import models as m
from service.documents import FORMATS, Blocked, render
from service.domain.documents import kinds
from service.runtime import Runtime
from service.submissions import get, load, report_of

DOWNLOADERS = ("street", "clerk", "archivist")


@dataclass(frozen=True)
class Issued:
    """A document as served: where its bytes are and what identifies it."""

    kind: str
    fmt: str
    number: str
    title: str
    sha256: str
    path: Path
    project_code: str

    @property
    def data(self) -> bytes:
        """The document's bytes."""
        return self.path.read_bytes()

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
    # An issued document is served from one query (the common case, and the one that must be fast).
    with rt.engine.connect() as c:
        hit = c.execute(select(m.DocumentRow.number, m.DocumentRow.title, m.DocumentRow.sha256, m.PackageRow.street,
                               m.PackageRow.project_code)
                        .join(m.PackageRow, m.PackageRow.id == m.DocumentRow.package_id)
                        .where(m.DocumentRow.package_id == package_id, m.DocumentRow.kind == kind,
                               m.DocumentRow.format == fmt)).first()
    if hit is not None and (user.role != "street" or hit.street == user.street):
        return Issued(kind, fmt, hit.number, hit.title, hit.sha256, rt.blobs.path(hit.sha256), hit.project_code)
    stored = get(rt, user, package_id)  # raises NotFound for another street's package
    report = report_of(stored)
    package = load(rt, stored)
    archive = codes_for(rt, stored.row, package.data) if kinds()[kind].archival else None
    rendered = render(kind, fmt, package, report, rt.checker, rt.settings, archive)  # raises Blocked
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
    return Issued(kind, fmt, rendered.number, rendered.title, digest, rt.blobs.path(digest), stored.row.project_code)


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
        # Current: issued from the version of the project's stage the service counts (the newest
        # accepted); otherwise a newer version superseded it (or it never counted).
        carriers = {d.package_id for d in formats}  # a package sent again unchanged carries the same number
        newest = s.scalar(select(func.max(m.PackageRow.id)).where(
            m.PackageRow.project_code == package.project_code, m.PackageRow.stage == package.stage,
            m.PackageRow.status == "accepted"))
    return {
        "document_number": hit.number,
        "kind": hit.kind,
        "title": hit.title,
        "project": package.project_code,
        "package": package.id,
        "issued_at": iso(min(d.issued_at for d in formats)),
        "files": [{"format": d.format, "sha256": d.sha256} for d in formats],
        "current": newest in carriers,
    }


__all__ = ["Blocked", "Issued", "document", "verify", "DOWNLOADERS"]
