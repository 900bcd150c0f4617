"""Blobs inside the database (JIUGAI_BLOB_STORE=database): several app and worker machines share
files without a shared disk. Each machine keeps a local cache of what it has read, since
documents are served as files."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.db import models as m
from service.db.engine import writer


class DatabaseBlobStore:
    """Content-addressed blobs as rows of the `blobs` table, read through a local file cache."""

    def __init__(self, engine: Engine, cache: Path):
        self.engine = engine
        self.cache = Path(cache)
        self.cache.mkdir(parents=True, exist_ok=True)

    def _insert(self, digest: str, data: bytes) -> None:
        dialect = self.engine.dialect.name
        statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(m.Blob).values(sha256=digest, size=len(data), data=data)
        with Session(writer(self.engine)) as s, s.begin():
            s.execute(statement.on_conflict_do_nothing(index_elements=["sha256"]))

    def put(self, data: bytes) -> str:
        """Store bytes (once); return their digest."""
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self._insert(digest, data)
        return digest

    def put_file(self, path: Path) -> str:
        """Store a file's contents; return their digest."""
        return self.put(Path(path).read_bytes())

    def exists(self, digest: str) -> bool:
        """Whether the blob is stored."""
        with self.engine.connect() as c:
            return c.execute(select(m.Blob.sha256).where(m.Blob.sha256 == digest)).first() is not None

    def read(self, digest: str) -> bytes:
        """The blob's bytes (from the cache when this machine has read it before)."""
        return self.path(digest).read_bytes()

    def path(self, digest: str) -> Path:
        """A local file holding the blob, fetched into the cache on first use."""
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a SHA-256 digest: {digest!r}")
        target = self.cache / digest[:2] / digest[2:]
        if not target.is_file():
            with self.engine.connect() as c:
                data = c.execute(select(m.Blob.data).where(m.Blob.sha256 == digest)).scalar()
            if data is None:
                raise FileNotFoundError(digest)
            target.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        return target

    def all(self) -> Iterable[str]:
        """Every stored digest."""
        with self.engine.connect() as c:
            yield from c.execute(select(m.Blob.sha256)).scalars()

    def clean(self, referenced: set[str]) -> int:
        """Remove blobs no row refers to; return how many."""
        orphans = [d for d in self.all() if d not in referenced]
        if orphans:
            with Session(writer(self.engine)) as s, s.begin():
                s.execute(delete(m.Blob).where(m.Blob.sha256.in_(orphans)))
        return len(orphans)
