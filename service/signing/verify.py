"""Verify the signatures of a PDF with pyHanko: intact, covering the whole file, trusted, and when.

Used by the four-property check (each PDF of a bag) and by POST /api/v1/verify (an uploaded
file): both need the same facts, as data, and neither may crash on a file that is not a PDF.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from service.signing.pades import BEIJING

# pyHanko logs a traceback for every certificate it cannot chain; an untrusted signer is a result here.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)
_EOF = re.compile(rb"%%EOF[ \t]*(\r\n|\r|\n)?")


@dataclass(frozen=True)
class SignatureCheck:
    """What one signature of a file proves."""

    field: str
    signer: str
    signing_time: datetime | None
    intact: bool  # the signed bytes are unchanged and the CMS signature is mathematically good
    covers_file: bool  # it covers the whole file but its own contents (nothing appended after)
    trusted: bool  # its certificate chains to a configured trust anchor
    chain: tuple = field(default=(), repr=False)  # asn1crypto certificates embedded in the signature

    @property
    def valid(self) -> bool:
        """Intact, covering the whole file and trusted."""
        return self.intact and self.covers_file and self.trusted

    def signed_on(self) -> date | None:
        """The signing day in Beijing."""
        return self.signing_time.astimezone(BEIJING).date() if self.signing_time else None


@dataclass(frozen=True)
class FileCheck:
    """The signatures of one PDF, or why it could not be read."""

    signatures: tuple[SignatureCheck, ...] = ()
    problem: str | None = None  # not a PDF pyHanko can read

    @property
    def signed(self) -> bool:
        """Whether the file carries any signature."""
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        """Signed, and every signature valid."""
        return self.problem is None and self.signed and all(s.valid for s in self.signatures)


def check(data: bytes, anchors: list) -> FileCheck:
    """Verify every signature of `data` against the trust anchors (asn1crypto certificates)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # pyHanko raises many kinds of error for a file that is not a PDF
        return FileCheck(problem=_short(exc))
    results = []
    for sig in embedded:
        # Only the configured anchors: never the machine's TLS trust list; no network fetches.
        context = ValidationContext(trust_roots=list(anchors), allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
            intact, trusted = bool(status.intact and status.valid), bool(status.trusted)
            covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            when = status.signer_reported_dt
        except Exception:  # a damaged signature dictionary or CMS object: it proves nothing
            intact = trusted = covers = False
            when = None
        try:
            cert = sig.signer_cert
            chain = (cert, *sig.other_embedded_certs)
            signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
        except Exception:
            chain, signer = (), ""
        results.append(SignatureCheck(str(sig.field_name or ""), signer, when, intact, covers, trusted, chain))
    return FileCheck(tuple(results))


def unsigned_prefix(data: bytes) -> bytes:
    """The file's first revision (up to and including its first %%EOF line): for a document this
    service signed, the unsigned render the signature was added to."""
    found = _EOF.search(data)
    return data[:found.end()] if found else data


def prefix_sha256(data: bytes) -> str:
    """The SHA-256 of the first revision."""
    return hashlib.sha256(unsigned_prefix(data)).hexdigest()


def chain_pem(checks: list[FileCheck]) -> bytes:
    """Every certificate the signatures carry, signer first, each once, as PEM."""
    from asn1crypto import pem

    seen, out = set(), []
    for file_check in checks:
        for sig in file_check.signatures:
            for cert in sig.chain:
                if cert.sha256 not in seen:
                    seen.add(cert.sha256)
                    out.append(f"# {cert.subject.human_friendly}\n".encode("utf-8") + pem.armor("CERTIFICATE", cert.dump()))
    return b"".join(out)


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
