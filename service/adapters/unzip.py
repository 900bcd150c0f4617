"""Unpack a package zip: only package.json and the files it lists, and never a bomb.

Every entry's name is checked (a name the street chose is kept byte for byte, so a dangerous one is
refused, never renamed) and its declared sizes are weighed before anything is written: an entry
packed more than 200 : 1 that unpacks beyond 10 MiB, or a zip unpacking beyond the limit, is
refused. Of the entries only package.json and the attachments it lists are written out — streamed
and counted, since a header's sizes can lie; the others are named (ATTACHMENT-UNLISTED reports
them) but never decompressed.
"""
from __future__ import annotations

import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path

from service.adapters.reader import Limits, PackageError, PackageTooLarge, parse_json
from service.domain.findings import N_
from service.domain.names import INVISIBLE, visible
from service.domain.package import Package

_CHUNK = 1 << 16
MAX_RATIO = 200  # real scans, even bilevel TIFFs, stay far below this
RATIO_FLOOR = 10 << 20  # below 10 MiB unpacked, any ratio is harmless


def unpack(path: Path, dest: Path, limits: Limits, source: str) -> Package:
    """The package in the zip at `path`, its package.json and listed files written under `dest`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError(N_("{path} is not a readable zip file"), path=path.name) from None
    with archive:
        entries = _entries(archive, limits)
        prefix = _root(entries)
        raw = _read_manifest(archive, entries[prefix + "package.json"], limits)
        data = parse_json(raw)
        listed = _listed(data)
        files: dict[str, Path] = {}
        unlisted: list[str] = []
        budget = limits.max_total_bytes
        for name, info in entries.items():
            rel = name[len(prefix):]
            if rel != "package.json" and rel not in listed:
                unlisted.append(rel)
                continue
            target = dest.joinpath(*rel.split("/"))
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise PackageError(N_("the zip entry “{name}” collides with a file of the same name"), name=name) from None
            if rel == "package.json":
                target.write_bytes(raw)
                budget -= len(raw)
            else:
                budget = _copy_entry(archive, info, target, budget, limits, name)
            files[rel] = target
    return Package(data, raw, files, source, tuple(sorted(unlisted)))


def _entries(archive: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise PackageTooLarge(N_("the zip holds more than {limit} entries"), limit=limits.max_entries)
    entries: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    declared = 0
    for info in infos:
        name = _entry_name(info)
        if stat.S_ISLNK(info.external_attr >> 16):
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
        _weigh(info.file_size, info.compress_size, name)
        declared += info.file_size
        if declared > limits.max_total_bytes:
            raise PackageTooLarge(N_("the zip unpacks to more than {limit} bytes"), limit=limits.max_total_bytes)
        entries["/".join(parts)] = info
    return entries


def _weigh(unpacked: int, packed: int, name: str) -> None:
    if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise PackageTooLarge(N_("the zip entry “{name}” unpacks to more than {ratio} times its packed size and beyond {floor} MiB, as a zip bomb does: it is refused"),
                              name=name, ratio=MAX_RATIO, floor=RATIO_FLOOR >> 20)


def _root(entries: dict[str, zipfile.ZipInfo]) -> str:
    # A package zipped from its folder on Windows has that folder at the top: accept it when
    # package.json is not at the root and every entry is inside one folder that holds it.
    if "package.json" in entries:
        return ""
    tops = {name.split("/", 1)[0] for name in entries}
    if len(tops) == 1 and all("/" in name for name in entries):
        prefix = tops.pop() + "/"
        if prefix + "package.json" in entries:
            return prefix
    raise PackageError(N_("there is no package.json at the top of the package"))


def _listed(data: object) -> set[str]:
    """The file names attachments[] lists (as the reader names entries: NFC)."""
    attachments = data.get("attachments") if isinstance(data, dict) else None
    if not isinstance(attachments, list):
        return set()
    return {unicodedata.normalize("NFC", a["file"]) for a in attachments if isinstance(a, dict) and isinstance(a.get("file"), str)}


def _read_manifest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    if info.file_size > limits.max_json_bytes:
        raise PackageTooLarge(N_("package.json is larger than {limit} bytes"), limit=limits.max_json_bytes)
    chunks, size = [], 0
    try:
        with archive.open(info) as src:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_json_bytes:
                    raise PackageTooLarge(N_("package.json is larger than {limit} bytes"), limit=limits.max_json_bytes)
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise PackageError(N_("the zip entry “{name}” is damaged ({error})"), name="package.json", error=type(exc).__name__) from None
    return b"".join(chunks)


def _copy_entry(archive, info, target: Path, budget: int, limits: Limits, name: str) -> int:
    # Stream the entry and count what really comes out: a header's declared size can lie.
    try:
        with archive.open(info) as src, open(target, "xb") as out:
            written = 0
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                budget -= len(chunk)
                if budget < 0:
                    raise PackageTooLarge(N_("the zip unpacks to more than {limit} bytes"), limit=limits.max_total_bytes)
                _weigh(written, info.compress_size, name)
                out.write(chunk)
    except FileExistsError:
        raise PackageError(N_("the zip holds “{name}” twice"), name=name) from None
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise PackageError(N_("the zip entry “{name}” is damaged ({error})"), name=name, error=type(exc).__name__) from None
    return budget


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
