"""Read a package from a zip, a directory or a bare package.json — safely.

Hostile input is ordinary input: every way a package can fail to be read ends in
PackageError with a one-line reason, and nothing is ever written outside a private
temporary directory, which is removed when the `open_package` block ends (zips: unzip.py).
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from service.domain.findings import Msg, N_
from service.domain.package import Package


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
def open_package(source: str | os.PathLike, limits: Limits | None = None, scratch: Path | None = None) -> Iterator[Package]:
    """Yield the package at `source` (zip, directory or package.json); raise PackageError.

    A zip is unpacked into a private folder under `scratch` (the service passes its data
    directory's per-process scratch folder; the command line, the system's temporary folder).
    """
    limits = limits or Limits.from_env()
    path = Path(source)
    if path.is_dir():
        yield _from_directory(path, limits, str(path))
    elif path.is_file():
        with open(path, "rb") as f:
            head = f.read(4)
        if head.startswith(b"PK"):
            from service.adapters.unzip import unpack

            tmp = Path(tempfile.mkdtemp(prefix="jiugai-unzip-", dir=scratch))
            try:
                yield unpack(path, tmp, limits, str(path))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
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
