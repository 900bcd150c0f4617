"""What an attached file really is, by its content: magic bytes, then a real parse."""
from __future__ import annotations

import hashlib
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from service.domain.findings import Msg, N_

logging.getLogger("pypdf").setLevel(logging.ERROR)

ACCEPTED = ("pdf", "ofd", "jpeg", "png", "tiff", "docx", "xlsx")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileInfo:
    """The facts about one file: its digest, its real format, why it is refused, its pages."""

    sha256: str
    kind: str | None
    problem: Msg | None = None
    pages: int | None = None


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def inspect(path: Path) -> FileInfo:
    """Hash `path` and tell its format by content; a refused file carries the reason."""
    digest = sha256_file(path)
    with open(path, "rb") as f:
        head = f.read(1024)
    if b"%PDF-" in head:
        return _pdf(path, digest)
    if head.startswith(b"\xff\xd8\xff"):
        return _image(path, digest, "jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(path, digest, "png")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return _image(path, digest, "tiff")
    if head.startswith(b"PK\x03\x04"):
        return _zip_based(path, digest)
    if head.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes()[:1 << 16]:
            return FileInfo(digest, "ole", Msg(N_("an encrypted Office file: remove the password and save it as .docx, .xlsx or PDF")))
        return FileInfo(digest, "ole", Msg(N_("a legacy binary Office file (.doc, .xls or .ppt): save it as .docx, .xlsx or PDF")))
    return FileInfo(digest, None, Msg(N_("not an accepted format: convert it to PDF (or OFD, JPEG, PNG, TIFF, DOCX, XLSX)")))


def _pdf(path: Path, digest: str) -> FileInfo:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return FileInfo(digest, "pdf", Msg(N_("an encrypted PDF: save an unprotected copy (PDF without password or permissions)")))
        pages = len(reader.pages)
    except Exception:  # pypdf raises many kinds of error for a broken file
        return FileInfo(digest, "pdf", Msg(N_("a damaged PDF that cannot be opened: export it again as PDF")))
    return FileInfo(digest, "pdf", None, pages)


def _image(path: Path, digest: str, kind: str) -> FileInfo:
    from service.domain import pixels

    try:
        pixels.check(path, kind)
    except pixels.TooManyPixels as exc:
        return FileInfo(digest, kind, Msg(N_("an image of more than {limit} million pixels: scan it at a lower resolution (300 dpi is enough) or save a smaller image"),
                                          {"limit": exc.limit // 1_000_000}))
    except Exception:  # Undecodable, and whatever else Pillow raises for a broken file
        return FileInfo(digest, kind, Msg(N_("an image that does not decode: save it again as JPEG or PNG")))
    return FileInfo(digest, kind)


def _zip_based(path: Path, digest: str) -> FileInfo:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return FileInfo(digest, "ofd")
            if "[Content_Types].xml" not in names:
                return FileInfo(digest, None, Msg(N_("a zip archive, not a document: attach each file itself, as PDF")))
            info = archive.getinfo("[Content_Types].xml")
            types = archive.read(info).decode("utf-8", "replace") if info.file_size < _CHUNK else ""
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return FileInfo(digest, None, Msg(N_("a damaged zip-based file: save it again as .docx, .xlsx or PDF")))
    if any(n.endswith("vbaProject.bin") for n in names) or "macroEnabled" in types:
        return FileInfo(digest, "macro", Msg(N_("a macro-enabled Office file: save it as .docx or .xlsx without macros")))
    if "word/document.xml" in names:
        return FileInfo(digest, "docx")
    if "xl/workbook.xml" in names:
        return FileInfo(digest, "xlsx")
    return FileInfo(digest, None, Msg(N_("an Office format that is not accepted: save it as PDF")))
