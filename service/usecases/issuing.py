"""Documents on demand: generated once per package, kind and format, stored, and verifiable."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from service.security.accounts import Principal, iso, now
from service.archive.registry import codes_for
from service.security.audit import append
from service.db import models as m
from service.usecases.documents import FORMATS, Blocked, render, sign
from service.domain.documents import kinds
from service.domain.names import safe_name
from service.runtime import Runtime
from service.usecases.submissions import get, load, report_of

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
        return safe_name(f"{self.project_code}-{self.title}") + f".{self.fmt}"


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
    key = rt.signing_key() if fmt == "pdf" else None  # raises SigningKeyError before any work
    package = load(rt, stored)
    archive = codes_for(rt, stored.row, package.data) if kinds()[kind].archival else None
    rendered = render(kind, fmt, package, report, rt.checker, rt.settings, archive)  # raises Blocked
    # Signed once, here: the stored file is served ever after, so every download is the same file.
    rendered = sign(rendered, key)
    digest = rt.blobs.put(rendered.data)
    try:
        with rt.writing() as s:
            s.add(m.DocumentRow(package_id=package_id, kind=kind, format=fmt, number=rendered.number, sha256=digest,
                                title=rendered.title, unsigned_sha256=rendered.unsigned_sha256, issued_at=now()))
            s.flush()
            append(s, user.name, "document.issue", f"package/{package_id}",
                   {"kind": kind, "format": fmt, "number": rendered.number, "sha256": digest,
                    "unsigned_sha256": rendered.unsigned_sha256})
    except IntegrityError:
        # Issued by a concurrent request a moment ago. Its signature bears another time, so its
        # file, not this one, is the document (this blob is left to the clean-up at start).
        with rt.reading() as s:
            digest = s.scalar(select(m.DocumentRow.sha256).where(
                m.DocumentRow.package_id == package_id, m.DocumentRow.kind == kind, m.DocumentRow.format == fmt))
    return Issued(kind, fmt, rendered.number, rendered.title, digest, rt.blobs.path(digest), stored.row.project_code)


def verify(rt: Runtime, number_or_sha256: str) -> dict | None:
    """What was issued under a document number or a digest (of a file served, or of the unsigned
    render a signed PDF was made from); None if nothing."""
    key = number_or_sha256.strip()
    with rt.reading() as s:
        hit = s.scalar(select(m.DocumentRow).where(or_(m.DocumentRow.number == key.upper(), m.DocumentRow.sha256 == key.lower(),
                                                       m.DocumentRow.unsigned_sha256 == key.lower()))
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
        "files": [{"format": d.format, "sha256": d.sha256, "signed": d.unsigned_sha256 is not None,
                   **({"unsigned_sha256": d.unsigned_sha256} if d.unsigned_sha256 else {})} for d in formats],
        "current": newest in carriers,
    }




def verify_file(rt: Runtime, data: bytes) -> dict:
    """Whether an uploaded PDF's signature is valid and which issued document it is, as data;
    `messages` are Msgs for the caller to say in the reader's language."""
    from service.domain.findings import Msg, N_
    from service.signing.pades import BEIJING
    from service.signing.verify import check, prefix_sha256

    digest = hashlib.sha256(data).hexdigest()
    checked = check(data, rt.trust_anchors())
    exact = verify(rt, digest)
    unsigned = prefix_sha256(data) if checked.signed else None
    by_content = None if exact or not unsigned else verify(rt, unsigned)
    messages = []
    if checked.problem is not None:
        messages.append(Msg(N_("This file is not a PDF that can be read: {problem}"), {"problem": checked.problem}))
    elif not checked.signed:
        messages.append(Msg(N_("This PDF carries no digital signature.")))
    for sig in checked.signatures:
        when = sig.signing_time.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") if sig.signing_time else "—"
        if sig.valid:
            messages.append(Msg(N_("The signature of {signer} made at {time} (Beijing time) is valid: intact, covering the "
                                   "whole file, from a trusted certificate."), {"signer": sig.signer, "time": when}))
            continue
        messages.append(Msg(N_("The signature of {signer} made at {time} (Beijing time) is NOT valid:"), {"signer": sig.signer, "time": when}))
        if not sig.intact:
            messages.append(Msg(N_("the signed content has been changed since it was signed")))
        if not sig.covers_file:
            messages.append(Msg(N_("something was added to the file after it was signed")))
        if not sig.trusted:
            messages.append(Msg(N_("the signer's certificate does not chain to a certificate this service trusts")))
    if exact:
        messages.append(Msg(N_("This very file is the document {number} ({title}) issued by this service."),
                            {"number": exact["document_number"], "title": exact["title"]}))
    elif by_content:
        messages.append(Msg(N_("Its unsigned content is that of the document {number} ({title}) issued by this service, but "
                               "this signed file is not the one the service issued."),
                            {"number": by_content["document_number"], "title": by_content["title"]}))
    else:
        messages.append(Msg(N_("This service issued no document with this content.")))
    return {
        "sha256": digest,
        "unsigned_sha256": unsigned,
        "readable": checked.problem is None,
        "signed": checked.signed,
        "signature_valid": checked.valid,
        "signatures": [{"signer": s.signer, "signing_time": s.signing_time.astimezone(BEIJING).isoformat() if s.signing_time else None,
                        "intact": s.intact, "covers_whole_file": s.covers_file, "trusted": s.trusted, "valid": s.valid}
                       for s in checked.signatures],
        "issued_file": exact is not None,
        "document": exact or by_content,
        "messages": messages,
    }


__all__ = ["Blocked", "Issued", "document", "verify", "verify_file", "DOWNLOADERS"]
