"""Configuration from the environment, in one place, each with a working default."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """What a deployment may set; `from_env` reads the JIUGAI_* variables."""

    data_dir: Path = Path("var")
    database_url: str = ""  # empty: SQLite in the data dir
    database_schema: str | None = None  # PostgreSQL schema (tests use one each)
    public_url: str = "http://127.0.0.1:8000"
    fonds: str = "J001"  # 全宗号 of the archive that receives the files (DA/T 22)
    secret_key: str = ""
    max_upload_bytes: int = 200 << 20
    token_days: int = 90
    blob_store: str = "local"  # or "database"
    queue_url: str = ""
    signing_key: str = ""  # PKCS#12 file; empty: the trial key in the data dir, if any
    signing_key_password: str = field(default="", repr=False)
    signing_key_password_file: str = ""
    trust_anchors: str = ""  # certificate files separated like PATH; empty: the trial CA, if any
    max_verify_bytes: int = 20 << 20  # an uploaded PDF to verify
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-* headers are believed
    timezone: str = "Asia/Shanghai"  # the zone of every time a person reads
    extra: dict = field(default_factory=dict)

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, SQLite in the data dir unless JIUGAI_DATABASE_URL says otherwise."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'jiugai.sqlite3').resolve()}"

    @classmethod
    def from_env(cls, environ=os.environ) -> "Settings":
        """Settings from the JIUGAI_* variables."""
        data_dir = Path(environ.get("JIUGAI_DATA_DIR", "var")).resolve()
        return cls(
            data_dir=data_dir,
            database_url=environ.get("JIUGAI_DATABASE_URL", ""),
            database_schema=environ.get("JIUGAI_DATABASE_SCHEMA") or None,
            public_url=environ.get("JIUGAI_PUBLIC_URL", cls.public_url),
            fonds=environ.get("JIUGAI_FONDS", cls.fonds),
            secret_key=environ.get("JIUGAI_SECRET_KEY", ""),
            max_upload_bytes=int(environ.get("JIUGAI_MAX_UPLOAD_BYTES", cls.max_upload_bytes)),
            token_days=int(environ.get("JIUGAI_TOKEN_DAYS", cls.token_days)),
            blob_store=environ.get("JIUGAI_BLOB_STORE", cls.blob_store),
            queue_url=environ.get("JIUGAI_QUEUE_URL", ""),
            signing_key=environ.get("JIUGAI_SIGNING_KEY", ""),
            signing_key_password=environ.get("JIUGAI_SIGNING_KEY_PASSWORD", ""),
            signing_key_password_file=environ.get("JIUGAI_SIGNING_KEY_PASSWORD_FILE", ""),
            trust_anchors=environ.get("JIUGAI_TRUST_ANCHORS", ""),
            max_verify_bytes=int(environ.get("JIUGAI_MAX_VERIFY_BYTES", cls.max_verify_bytes)),
            trusted_proxies=_count(environ.get("JIUGAI_TRUSTED_PROXIES", "0"), "JIUGAI_TRUSTED_PROXIES"),
            timezone=_zone(environ.get("JIUGAI_TIMEZONE", cls.timezone)),
        )

    def session_secret(self) -> str:
        """JIUGAI_SECRET_KEY, else a key generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:  # two workers starting at once: the first one writes, both read the same key
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
                    f.flush()
                    os.fsync(f.fileno())
        return path.read_text().strip()


def _count(text: str, name: str) -> int:
    if not text.strip().isdigit() or int(text) > 10:
        raise ValueError(f"{name} must be the number of proxies in front of the service (0 to 10), not {text!r}")
    return int(text)


def _zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"JIUGAI_TIMEZONE names no time zone: {name!r} (such as Asia/Shanghai)") from None
    return name
