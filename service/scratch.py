"""Temporary files under the data directory, in one folder per process that a lock proves alive.

Several servers may share one data directory, so start-up clean-up must not take what a live
process is writing: each process works in its own folder `tmp/<host>-<pid>-<random>/`, holding an
exclusive flock on the `.lock` file inside for as long as it lives. The kernel drops that lock
when the process dies however it dies (kill -9 included), so a folder whose lock can be taken
belongs to nobody and is removed, and one whose lock is held is left alone.
"""
from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import socket
import tempfile
import time
from pathlib import Path

FOLDER = "tmp"
LOCK = ".lock"
UNFINISHED_AGE = 3600  # a folder still being set up (".new-…") is removed only when this old

_MINE: dict[Path, tuple[int, Path, int]] = {}  # data dir -> (pid, folder, fd holding the lock)


def folder(data_dir: Path) -> Path:
    """This process's scratch folder under `data_dir` (made, and locked, on first use)."""
    key = Path(data_dir)
    held = _MINE.get(key)
    if held and held[0] == os.getpid() and held[1].is_dir():
        return held[1]
    root = key / FOLDER
    root.mkdir(parents=True, exist_ok=True)
    # Lock first, then give the folder its final name: a cleaner never sees it named and unlocked.
    new = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    fd = os.open(new / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    final = root / f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(new, final)
    if held and held[0] == os.getpid():
        os.close(held[2])
    _MINE[key] = (os.getpid(), final, fd)
    return final


def held(path: Path) -> bool:
    """Whether a live process holds the scratch folder `path`."""
    try:
        fd = os.open(path / LOCK, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the lock if we took it
    return False


def clean(data_dir: Path) -> int:
    """Remove the scratch folders no live process holds (what a crash left); return how many."""
    root = Path(data_dir) / FOLDER
    removed = 0
    for entry in list(root.iterdir()) if root.is_dir() else ():
        if entry.name.startswith(".new-"):
            if time.time() - entry.stat().st_mtime < UNFINISHED_AGE:
                continue
        elif entry.is_dir() and held(entry):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed
