"""Backup and restore stream (issue 12, point 9): their peak memory does not grow with the stored
files. One data directory with 20 MB of files and one with 200 MB are backed up and restored in
child processes whose peak RSS is compared."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from conftest import ROOT
from service.accounts import add_user
from service.config import Settings
from service.db import models as m
from service.runtime import Runtime

MB = 1 << 20
MEASURE = """
import resource, sys
from pathlib import Path
from service.backup import backup, restore
from service.config import Settings
from service.runtime import Runtime
rt = Runtime.open(Settings(data_dir=Path(sys.argv[2])))
if sys.argv[1] == "backup":
    backup(rt, Path(sys.argv[3]))
else:
    assert restore(rt, Path(sys.argv[3]))["audit"] == "intact"
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def data_dir_with(folder: Path, megabytes: int) -> str:
    """A data directory whose only stored file is `megabytes` of random bytes (a job's result)."""
    rt = Runtime.open(Settings(data_dir=folder))
    add_user(rt, "clerk", "clerk", None, "pw")
    source = folder / "big.bin"
    with open(source, "wb") as f:
        for _ in range(megabytes):
            f.write(os.urandom(MB))
    digest = rt.blobs.put_file(source)
    source.unlink()
    now = datetime.now(timezone.utc)
    with rt.writing() as s:
        s.add(m.Job(key="k", params={}, status="done", total=1, result_sha256=digest, created_by=1, created_at=now, updated_at=now))
    rt.engine.dispose()
    return digest


def peak_mb(*args) -> int:
    done = subprocess.run([sys.executable, "-c", MEASURE, *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split()[-1])


def test_backup_and_restore_memory_stays_flat_from_20_to_200_mb_of_files(tmp_path):
    peaks = {}
    for size in (20, 200):
        digest = data_dir_with(tmp_path / f"data{size}", size)
        backup = tmp_path / f"backup{size}.zip"
        made = peak_mb("backup", tmp_path / f"data{size}", backup)
        (tmp_path / f"restored{size}").mkdir()  # the deployment's secret is restored beside the backup
        (tmp_path / f"restored{size}" / "secret_key").write_text((tmp_path / f"data{size}" / "secret_key").read_text())
        restored = peak_mb("restore", tmp_path / f"restored{size}", backup)
        peaks[size] = (made, restored)
        blob = tmp_path / f"restored{size}" / "blobs" / digest[:2] / digest[2:]
        with open(blob, "rb") as f:
            assert hashlib.file_digest(f, "sha256").hexdigest() == digest
        assert not list((tmp_path / f"restored{size}" / "tmp-restore").iterdir())  # nothing left behind
        backup.unlink()
    (small_backup, small_restore), (big_backup, big_restore) = peaks[20], peaks[200]
    assert big_backup - small_backup < 20, peaks  # MB: ten times the files, not ten times the memory
    assert big_restore - small_restore < 20, peaks
    print("peak RSS in MB (backup, restore):", peaks)
