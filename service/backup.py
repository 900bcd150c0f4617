"""Backups: a consistent copy of every table and every stored file, and its restoration.

Logical rather than a file copy, so that it works the same on SQLite and PostgreSQL (and moves
data between them): the rows are read in one snapshot transaction; stored files are immutable
and named by their digest, so those the snapshot refers to are copied after it.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

from sqlalchemy import DateTime, LargeBinary, func, insert, select, text

from service import __version__
from service.db.models import Base
from service.runtime import Runtime

# Parents before children; stored files travel as files (blobs/), whichever store holds them.
TABLES = [t for t in Base.metadata.sorted_tables if t.name != "blobs"]


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


def _referenced(rows: dict[str, list[dict]]) -> set[str]:
    digests = {r["sha256"] for r in rows["package_files"]} | {r["sha256"] for r in rows["documents"]}
    digests |= {r["result_sha256"] for r in rows.get("jobs", []) if r.get("result_sha256")}
    digests |= {r["package_sha256"] for r in rows["packages"]} | {r["upload_sha256"] for r in rows["packages"]}
    return digests


def backup(rt: Runtime) -> bytes:
    """The backup as zip bytes."""
    rows: dict[str, list[dict]] = {}
    with rt.reading() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        for table in TABLES:
            rows[table.name] = [{c.name: _encode(c, r._mapping[c.name]) for c in table.columns}
                                for r in s.execute(select(table).order_by(*table.primary_key.columns))]
        revision = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        digests = sorted(_referenced(rows))
        for digest in digests:
            z.writestr(f"blobs/{digest}", rt.blobs.read(digest))
        for name, table_rows in rows.items():
            z.writestr(f"db/{name}.json", json.dumps(table_rows, ensure_ascii=False))
        z.writestr("manifest.json", json.dumps({
            "jiugai": __version__, "schema_revision": revision, "made_at": datetime.now(timezone.utc).isoformat(),
            "rows": {k: len(v) for k, v in rows.items()}, "blobs": len(digests),
            # Key material never travels in a backup: the signing key is kept (and restored) on its own.
            "signing_key": "not included"}, indent=2))
    return out.getvalue()


def restore(rt: Runtime, data: bytes) -> dict:
    """Restore a backup into an empty database and blob store; return the row counts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"not a jiugai backup: {exc}") from None
    with rt.reading() as s:
        for table in TABLES:
            if s.scalar(select(func.count()).select_from(table)):
                raise BackupError(f"the database is not empty (table {table.name} has rows): restore into an empty one")
    for name in archive.namelist():
        if name.startswith("blobs/"):
            blob = archive.read(name)
            if hashlib.sha256(blob).hexdigest() != name[6:]:
                raise BackupError(f"the backup's file {name} is damaged (its digest differs)")
            rt.blobs.put(blob)
    with rt.writing() as s:
        for table in TABLES:
            rows = json.loads(archive.read(f"db/{table.name}.json"))
            if rows:
                s.execute(insert(table), [{c.name: _decode(c, r.get(c.name)) for c in table.columns} for r in rows])
        if s.get_bind().dialect.name == "postgresql":  # the next ids continue after the restored ones
            for table in TABLES:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (column.type.python_type is int and column.autoincrement == "auto"):
                        s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                       f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
    return manifest["rows"]
