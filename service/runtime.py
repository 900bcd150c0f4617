"""The running application's parts (database, blob store, checker), built from the settings."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Settings
from service.db import models as m
from service.db.engine import make_engine, migrate, writer
from service.domain.check import Checker
from service.services import checker
from service.storage import BlobStore, LocalBlobStore


@dataclass
class Runtime:
    """What the web app, the CLI and the jobs share; one per process."""

    settings: Settings
    engine: Engine
    blobs: BlobStore
    checker: Checker
    _readers: sessionmaker = field(init=False, repr=False)
    _writers: sessionmaker = field(init=False, repr=False)

    def __post_init__(self):
        from service.audit import CHECKPOINT, chain_key

        # Every session knows the audit key and where the chain's head is recorded (service/audit.py).
        info = {"audit_key": chain_key(self.settings.session_secret()),
                "audit_checkpoint": str(self.settings.data_dir / CHECKPOINT)}
        self._readers = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._writers = sessionmaker(writer(self.engine), expire_on_commit=False, info=info)

    @classmethod
    def open(cls, settings: Settings | None = None, migrate_db: bool = True) -> "Runtime":
        """Connect (and migrate) the database and open the blob store."""
        settings = settings or Settings.from_env()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.sqlalchemy_url, settings.database_schema)
        if migrate_db:
            migrate(engine)
        if settings.blob_store == "database":
            from service.storage_db import DatabaseBlobStore

            blobs = DatabaseBlobStore(engine, settings.data_dir / "blob-cache")
        else:
            blobs = LocalBlobStore(settings.data_dir / "blobs")
        return cls(settings, engine, blobs, checker())

    def signing_key(self):
        """The office's signing key (service.signing.keys.SigningKey), None when none is configured;
        raises SigningKeyError when the configured one cannot be opened."""
        from service.signing import keys

        return keys.load(self.settings)

    def trust_anchors(self) -> list:
        """The certificates a signature must chain to (raises SigningKeyError for an unreadable one)."""
        from service.signing import keys

        return keys.trust_anchors(self.settings)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries."""
        with self._readers() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose transaction writes: committed at the end of the block, or not at all."""
        with self._writers() as session, session.begin():
            yield session

    def clean_up(self) -> int:
        """Remove what a crash left behind: temporary files and blobs no row refers to."""
        with self.reading() as s:
            referenced = set(s.scalars(select(m.PackageFile.sha256)))
            referenced |= set(s.scalars(select(m.PackageRow.upload_sha256)))
            referenced |= set(s.scalars(select(m.PackageRow.package_sha256)))
            referenced |= set(s.scalars(select(m.DocumentRow.sha256)))
            referenced |= {d for d in s.scalars(select(m.Job.result_sha256)) if d}
        from service import scratch

        # Only the scratch folders no live process holds: another server may share this data dir.
        return scratch.clean(self.settings.data_dir) + self.blobs.clean(referenced)

    def scratch(self):
        """This process's folder for temporary files, under the data directory (removed after a crash)."""
        from service import scratch

        return scratch.folder(self.settings.data_dir)
