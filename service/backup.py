"""Backups: a consistent copy of every table and every stored file, and its restoration.

Logical rather than a file copy, so that it works the same on SQLite and PostgreSQL (and moves
data between them): the rows are read in one snapshot transaction; stored files are immutable
and named by their digest, so those the snapshot refers to are copied after it. Both directions
stream: rows a batch at a time and files in chunks, so memory stays flat however large the
stored files are. A backup also carries the audit chain's head (not its key).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, LargeBinary, func, insert, select, text

from service import __version__
from service import audit
from service.db.models import Base
from service.runtime import Runtime

# Parents before children; stored files travel as files (blobs/), whichever store holds them.
TABLES = [t for t in Base.metadata.sorted_tables if t.name != "blobs"]
# Where each table keeps digests of stored files.
FILE_COLUMNS = {"package_files": ("sha256",), "documents": ("sha256",), "jobs": ("result_sha256",),
                "packages": ("package_sha256", "upload_sha256")}
CHUNK = 1 << 20
BATCH = 500


class BackupError(Exception):
    """A backup cannot be written or restored (the message says why)."""


def _encode(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return value.isoformat()
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode()
    return value


def _decode(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def backup(rt: Runtime, out: Path) -> dict:
    """Write the backup to `out` atomically (a temporary file in its folder, renamed); return its manifest."""
    out = Path(out)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
            manifest = _write(rt, z)
        with open(tmp_name, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return manifest


def _write(rt: Runtime, z: zipfile.ZipFile) -> dict:
    counts, digests, head = {}, set(), {"count": 0, "digest": audit.GENESIS}
    with rt.reading() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        for table in TABLES:
            counts[table.name] = 0
            query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH)
            with z.open(f"db/{table.name}.json", "w", force_zip64=True) as f:
                f.write(b"[")
                for row in s.execute(query):
                    values = row._mapping
                    for column in FILE_COLUMNS.get(table.name, ()):
                        if values[column]:
                            digests.add(values[column])
                    if table.name == "audit_log":
                        head = {"count": head["count"] + 1, "digest": values["digest"]}
                    record = {c.name: _encode(c, values[c.name]) for c in table.columns}
                    f.write((b"," if counts[table.name] else b"") + json.dumps(record, ensure_ascii=False).encode("utf-8"))
                    counts[table.name] += 1
                f.write(b"]")
        revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
    for digest in sorted(digests):
        with open(rt.blobs.path(digest), "rb") as src, z.open(f"blobs/{digest}", "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    z.writestr("audit-head.json", json.dumps(head))
    manifest = {"jiugai": __version__, "schema_revision": revision, "made_at": datetime.now(timezone.utc).isoformat(),
                "rows": counts, "blobs": len(digests), "audit_head": head,
                # Key material never travels in a backup: the signing key is kept (and restored) on its own.
                "signing_key": "not included"}
    z.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def restore(rt: Runtime, source: Path) -> dict:
    """Restore a backup into an empty database and blob store; return the manifest, with `audit`
    saying whether the restored chain verifies with this deployment's key."""
    try:
        archive = zipfile.ZipFile(source)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"not a jiugai backup: {exc}") from None
    with archive:
        with rt.reading() as s:
            for table in TABLES:
                if s.scalar(select(func.count()).select_from(table)):
                    raise BackupError(f"the database is not empty (table {table.name} has rows): restore into an empty one")
        for info in archive.infolist():
            if info.filename.startswith("blobs/"):
                _restore_blob(rt, archive, info)
        with rt.writing() as s:
            for table in TABLES:
                try:
                    rows = json.loads(archive.read(f"db/{table.name}.json"))
                except KeyError:
                    raise BackupError(f"the backup has no table {table.name}: it is incomplete") from None
                for start in range(0, len(rows), BATCH):
                    s.execute(insert(table), [{c.name: _decode(c, r.get(c.name)) for c in table.columns}
                                              for r in rows[start:start + BATCH]])
                del rows
            _continue_sequences(s)
            restored = audit.head(s)
        recorded = manifest.get("audit_head")
        if recorded is not None and recorded != restored:
            raise BackupError("the backup's audit log does not end at the head its manifest recorded: it was altered")
        with rt.reading() as s:
            verdict = audit.check(s, recorded)
        if verdict.problem is None:
            audit.write_checkpoint(rt.settings.data_dir / audit.CHECKPOINT, restored)
    return {**manifest, "audit": verdict.problem or "intact"}


def _restore_blob(rt: Runtime, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    spool = rt.settings.data_dir / "tmp-restore"
    spool.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=spool)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, archive.open(info) as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != info.filename[6:]:
            raise BackupError(f"the backup's file {info.filename} is damaged (its digest differs)")
        rt.blobs.put_file(Path(tmp_name))
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _continue_sequences(s) -> None:
    if s.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:  # the next ids continue after the restored ones
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.type.python_type is int and column.autoincrement == "auto"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                               f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
