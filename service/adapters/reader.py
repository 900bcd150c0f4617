"""Read a package from a zip, a directory or a bare package.json — safely.

Hostile input is ordinary input: every way a package can fail to be read ends in
PackageError with a one-line reason, and nothing is ever written outside a private
temporary directory, which is removed when the `open_package` block ends.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from service.domain.findings import Msg, N_
from service.domain.names import INVISIBLE, visible
from service.domain.package import Package

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """How much a package may unpack to; generous for real packages, fatal to bombs."""

    max_entries: int = 2000
    max_total_bytes: int = 2 << 30  # uncompressed, all entries together
    max_json_bytes: int = 8 << 20

    @classmethod
    def from_env(cls, environ=os.environ) -> "Limits":
        """Limits from JIUGAI_MAX_ZIP_ENTRIES and JIUGAI_MAX_UNPACKED_BYTES, else the defaults."""
        default = cls()
        return cls(int(environ.get("JIUGAI_MAX_ZIP_ENTRIES", default.max_entries)),
                   int(environ.get("JIUGAI_MAX_UNPACKED_BYTES", default.max_total_bytes)),
                   default.max_json_bytes)


class PackageError(Exception):
    """The input could not be read as a package; `message` says why, to translate."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid.format(**params))
        self.message = Msg(msgid, params)

    def __reduce__(self):  # rebuilt from msgid and params, so it crosses a process boundary intact
        return _rebuild, (type(self), self.message.msgid, self.message.params)


def _rebuild(cls, msgid: str, params: dict) -> "PackageError":
    return cls(msgid, **params)


class PackageTooLarge(PackageError):
    """The package is over a limit (entries, unpacked size): HTTP 413 rather than 400."""


MAX_DEPTH = 64  # a package is about six levels deep; beyond this no rule or schema could follow
MAX_INT_DIGITS = 30


def parse_json(raw: bytes) -> object:
    """package.json's bytes as data: UTF-8 (a BOM is fine), numbers with decimals as Decimal.

    What cannot be read as a package is refused here, before anything is stored: numbers that
    are not finite or integers longer than 30 digits, a key twice in one object (which value
    would count?), and nesting deeper than any package (the schema and rules could not follow).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(N_("package.json is not UTF-8 text (byte {offset} is not valid UTF-8): save it as UTF-8"), offset=exc.start) from None
    try:
        data = json.loads(text, parse_float=_decimal, parse_int=_integer, parse_constant=_no_constant,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise PackageError(N_("package.json is not valid JSON: {error} at line {line}, column {column}"), error=exc.msg, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise PackageError(N_("package.json is nested too deeply")) from None
    if _depth(data) > MAX_DEPTH:
        raise PackageError(N_("package.json is nested more than {limit} levels deep, which no package is"), limit=MAX_DEPTH)
    if b"\\r" in raw:  # JSON can hold a CR only escaped
        _normalise_line_breaks(data)
    return data


def _normalise_line_breaks(data: object) -> None:
    # CR LF and a lone CR become LF in the text the rules and renderers read (a CR once reached the
    # PDF renderer, which has no glyph for it); the stored bytes, and so the document number, stay as sent.
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(items):
            if isinstance(value, str):
                if "\r" in value:
                    node[key] = value.replace("\r\n", "\n").replace("\r", "\n")
            elif isinstance(value, (dict, list)):
                stack.append(value)


def _decimal(token: str) -> Decimal:
    value = Decimal(token)
    if not math.isfinite(float(value)):
        raise PackageError(N_("package.json holds the number {number}, which is too large to be finite: write the real figure"),
                           number=token if len(token) <= 40 else token[:37] + "…")
    return value


def _integer(token: str) -> int:
    digits = len(token.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise PackageError(N_("package.json holds a whole number of {digits} digits (at most {limit} are readable): write the real figure"),
                           digits=digits, limit=MAX_INT_DIGITS)
    return int(token)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise PackageError(N_("package.json gives the field “{field}” twice in one object: keep only one"),
                               field=key.encode("unicode_escape").decode() if not key.isprintable() else key)
        result[key] = value
    return result


def _depth(data: object) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:  # iterative: the point is to measure depths recursion could not survive
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _no_constant(name: str):
    raise PackageError(N_("package.json holds {name}, which is not a JSON number"), name=name)


@contextlib.contextmanager
def open_package(source: str | os.PathLike, limits: Limits | None = None) -> Iterator[Package]:
    """Yield the package at `source` (zip, directory or package.json); raise PackageError."""
    limits = limits or Limits.from_env()
    path = Path(source)
    if path.is_dir():
        yield _from_directory(path, limits, str(path))
    elif path.is_file():
        with open(path, "rb") as f:
            head = f.read(4)
        if head.startswith(b"PK"):
            with unpacked_zip(path, limits) as root:
                yield _from_directory(root, limits, str(path))
        else:
            raw = _read_capped(path, limits)
            if not _looks_like_json(raw):
                raise PackageError(N_("{path} is neither a zip file nor a package.json: send the package as a .zip file"), path=path.name)
            yield Package(parse_json(raw), raw, None, str(path))
    elif path.exists():
        raise PackageError(N_("{path} is neither a file nor a folder"), path=str(path))
    else:
        raise PackageError(N_("{path} does not exist"), path=str(path))


def _looks_like_json(raw: bytes) -> bool:
    # Random bytes (or a PDF sent by mistake) are not "package.json that is not UTF-8": only text that
    # opens like JSON — or like UTF-16 text, which gets the UTF-8 advice — is read as package.json.
    start = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    return start.lstrip(b" \t\r\n")[:1] in (b"{", b"[") or start.startswith((b"\xff\xfe", b"\xfe\xff"))


def _read_capped(path: Path, limits: Limits) -> bytes:
    if path.stat().st_size > limits.max_json_bytes:
        raise PackageTooLarge(N_("package.json is larger than {limit} bytes"), limit=limits.max_json_bytes)
    return path.read_bytes()


def _from_directory(root: Path, limits: Limits, source: str) -> Package:
    manifest = root / "package.json"
    if not manifest.is_file():
        raise PackageError(N_("there is no package.json at the top of the package"))
    raw = _read_capped(manifest, limits)
    files: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath, name)
            if full.is_symlink() or not full.is_file():
                continue  # a link could point anywhere; only real files belong to a package
            rel = unicodedata.normalize("NFC", full.relative_to(root).as_posix())
            files[rel] = full
            if len(files) > limits.max_entries:
                raise PackageTooLarge(N_("the package holds more than {limit} files"), limit=limits.max_entries)
    return Package(parse_json(raw), raw, files, source)


@contextlib.contextmanager
def unpacked_zip(path: Path, limits: Limits) -> Iterator[Path]:
    """Unpack a zip into a private temporary directory, refusing anything unsafe."""
    tmp = Path(tempfile.mkdtemp(prefix="jiugai-"))
    try:
        _extract(path, tmp, limits)
        yield _package_root(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _entry_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag (bit 11); zipfile
    # decoded those as cp437, so recover the bytes and read them as GB18030.
    name = info.orig_filename  # zipfile cuts `filename` at a NUL: "a.pdf\0.exe" must be seen whole
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        try:
            name = raw.decode("utf-8") if raw.isascii() else raw.decode("gb18030")
        except UnicodeDecodeError:
            raise PackageError(N_("a file name in the zip cannot be read as UTF-8 or GB18030")) from None
    if INVISIBLE.search(name):
        # Names the street chose are kept byte for byte (the bag keeps them), so one that could hide
        # what it is (NUL, a control, a bidi override turning "‮fdp.exe" into "exe.pdf") is refused.
        raise PackageError(N_("the zip entry “{name}” has a control or text-direction character in its name: rename the file"),
                           name=visible(name))
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _safe_parts(name: str) -> list[str]:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageError(N_("the zip entry “{name}” has an absolute path"), name=name)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise PackageError(N_("the zip entry “{name}” escapes the package (..)"), name=name)
    return parts


def _extract(path: Path, dest: Path, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError(N_("{path} is not a readable zip file"), path=path.name) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise PackageTooLarge(N_("the zip holds more than {limit} entries"), limit=limits.max_entries)
        seen: set[str] = set()
        budget = limits.max_total_bytes
        for info in infos:
            name = _entry_name(info)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise PackageError(N_("the zip entry “{name}” is a symbolic link"), name=name)
            if info.flag_bits & 0x1:
                raise PackageError(N_("the zip entry “{name}” is encrypted: zip the files without a password"), name=name)
            parts = _safe_parts(name)
            if info.is_dir() or not parts:
                continue
            key = "/".join(parts).casefold()
            if key in seen:
                raise PackageError(N_("the zip holds “{name}” twice"), name=name)
            seen.add(key)
            target = dest.joinpath(*parts)
            if target.parent.exists() and not target.parent.is_dir():
                raise PackageError(N_("the zip entry “{name}” collides with a file of the same name"), name=name)
            target.parent.mkdir(parents=True, exist_ok=True)
            budget = _copy_entry(archive, info, target, budget, limits, name)


def _copy_entry(archive, info, target: Path, budget: int, limits: Limits, name: str) -> int:
    # Stream the entry and count what really comes out: a header's declared size can lie.
    if info.file_size > budget:
        raise PackageTooLarge(N_("the zip unpacks to more than {limit} bytes"), limit=limits.max_total_bytes)
    try:
        with archive.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise PackageTooLarge(N_("the zip unpacks to more than {limit} bytes"), limit=limits.max_total_bytes)
                out.write(chunk)
    except FileExistsError:
        raise PackageError(N_("the zip holds “{name}” twice"), name=name) from None
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib_error()) as exc:
        raise PackageError(N_("the zip entry “{name}” is damaged ({error})"), name=name, error=type(exc).__name__) from None
    return budget


def zlib_error():
    """The exception zlib raises on corrupt data (imported lazily, it is rarely needed)."""
    import zlib

    return zlib.error


def _package_root(tmp: Path) -> Path:
    # A package zipped from its folder on Windows has that folder at the top: accept it when
    # package.json is not at the root and the zip holds exactly one folder.
    if (tmp / "package.json").exists():
        return tmp
    entries = list(tmp.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / "package.json").is_file():
        return entries[0]
    return tmp
