"""The package model: package.json as parsed, its exact bytes, and the files that came with it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Package:
    """One submitted package.

    `files` maps each uploaded file's relative path (NFC, '/'-separated) to where its bytes
    are on disk; it is None for a bare package.json (a dry run without files).
    """

    data: Any
    raw: bytes
    files: dict[str, Path] | None = None
    source: str = ""
    unlisted: tuple[str, ...] = ()  # names in the zip that attachments[] does not list: named, never unpacked
    _digest: str | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        """SHA-256 of package.json's bytes: it covers the files through their listed digests."""
        if self._digest is None:
            self._digest = hashlib.sha256(self.raw).hexdigest()
        return self._digest

    @property
    def stage(self) -> str | None:
        """The declared stage, if it is a string."""
        stage = self.data.get("stage") if isinstance(self.data, dict) else None
        return stage if isinstance(stage, str) else None

    @property
    def project_code(self) -> str | None:
        """The declared project code, if it is a string."""
        project = self.data.get("project") if isinstance(self.data, dict) else None
        code = project.get("code") if isinstance(project, dict) else None
        return code if isinstance(code, str) else None
