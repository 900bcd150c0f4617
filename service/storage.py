"""Content-addressed file storage: a file is named by its SHA-256 and written atomically.

The local store (the default) keeps files under `<data dir>/blobs/ab/cdef…`; a file becomes
visible only by its final rename, after an fsync, so a crash leaves at most a temporary file,
which the next start removes together with files no database row refers to — only once no live
process holds it (its writer keeps a flock on it), as several servers may share the directory.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterable, Protocol


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def put_file(self, path: Path) -> str: ...

    def path(self, digest: str) -> Path: ...

    def read(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def all(self) -> Iterable[str]: ...

    def clean(self, referenced: set[str]) -> int: ...


class LocalBlobStore:
    """Blobs as files in a directory of the data dir."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        """Where the blob with this digest lives (whether or not it exists)."""
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a SHA-256 digest: {digest!r}")
        return self.root / digest[:2] / digest[2:]

    def exists(self, digest: str) -> bool:
        """Whether the blob is stored."""
        return self.path(digest).is_file()

    def _commit(self, tmp: Path, digest: str) -> str:
        target = self.path(digest)
        if target.exists():
            tmp.unlink()
        else:
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        return digest

    def put(self, data: bytes) -> str:
        """Store bytes; return their digest."""
        digest = hashlib.sha256(data).hexdigest()
        if self.exists(digest):
            return digest
        fd, tmp = tempfile.mkstemp(dir=self.tmp)
        fcntl.flock(fd, fcntl.LOCK_EX)  # "being written": another server's clean-up leaves it alone
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return self._commit(Path(tmp), digest)

    def put_file(self, path: Path) -> str:
        """Store a file's contents (copied in chunks); return their digest."""
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.tmp)
        fcntl.flock(fd, fcntl.LOCK_EX)
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        return self._commit(Path(tmp), digest.hexdigest())

    def read(self, digest: str) -> bytes:
        """The blob's bytes."""
        return self.path(digest).read_bytes()

    def all(self) -> Iterable[str]:
        """Every stored digest."""
        for folder in self.root.iterdir():
            if len(folder.name) == 2 and folder.is_dir():
                for f in folder.iterdir():
                    yield folder.name + f.name

    def clean(self, referenced: set[str]) -> int:
        """Remove temporary files and blobs nobody refers to (what a crash can leave); return how many."""
        removed = 0
        for f in self.tmp.iterdir():
            if _abandoned(f):
                f.unlink(missing_ok=True)
                removed += 1
        for digest in list(self.all()):
            if digest not in referenced:
                self.path(digest).unlink(missing_ok=True)
                removed += 1
        return removed


TMP_GRACE = 60  # seconds: a temporary file younger than this may be between creation and its lock, or rename


def _abandoned(tmp: Path) -> bool:
    """Whether no live process is writing `tmp` (its writer holds a flock while it writes)."""
    try:
        if time.time() - tmp.stat().st_mtime < TMP_GRACE:
            return False
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
