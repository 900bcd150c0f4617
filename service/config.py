"""Configuration from the environment, in one place, each with a working default."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """What a deployment may set; `from_env` reads the JIUGAI_* variables."""

    data_dir: Path = Path("var")
    public_url: str = "http://127.0.0.1:8000"
    fonds: str = "J001"  # 全宗号 of the archive that receives the files (DA/T 22)

    @classmethod
    def from_env(cls, environ=os.environ) -> "Settings":
        """Settings from JIUGAI_DATA_DIR, JIUGAI_PUBLIC_URL and JIUGAI_FONDS."""
        return cls(
            data_dir=Path(environ.get("JIUGAI_DATA_DIR", "var")),
            public_url=environ.get("JIUGAI_PUBLIC_URL", cls.public_url),
            fonds=environ.get("JIUGAI_FONDS", cls.fonds),
        )
