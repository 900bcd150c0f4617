"""Benchmark of the programme (issue 7): submit the 93-community programme as `make run` does (the
demo's fixture packages, then the generated projects, all three stages, with the district's
decisions), then generate every document of every accepted package in both formats — in-process, through the local pool and through
RQ on Redis, with 1 and 2 workers. Goals on 2 cores: under 15 s with 2 workers; 2 workers at
least 1.5x faster than 1; the queue adds under 10 %. Run: .venv/bin/python bench/programme.py
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service import queue  # noqa: E402

from service.usecases import jobs
from service.config import Settings  # noqa: E402
from service import demo  # noqa: E402
from service.runtime import Runtime  # noqa: E402


def copy_of(base: Path) -> Path:
    target = Path(tempfile.mkdtemp(prefix="jiugai-prog-"))
    shutil.copytree(base, target / "data")
    return target / "data"


def clerk(rt: Runtime):
    from service.security.accounts import Principal
    from sqlalchemy import select
    from service.db import models as m

    with rt.reading() as s:
        u = s.scalar(select(m.User).where(m.User.name == "clerk"))
    return Principal(u.id, u.name, u.role, u.street)


def run_batch(data: Path, settings_extra: dict, workers: int) -> tuple[float, int]:
    settings = Settings(data_dir=data, **settings_extra)
    rt = Runtime.open(settings)
    user = clerk(rt)
    procs = []
    if settings.queue_url:
        from redis import Redis

        Redis.from_url(settings.queue_url).flushdb()
        env = {**os.environ, "JIUGAI_DATA_DIR": str(data), "JIUGAI_QUEUE_URL": settings.queue_url}
        procs = [subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        time.sleep(1.5)  # let the workers start; the local pool's start-up, by contrast, is counted
    else:
        os.environ["JIUGAI_JOB_WORKERS"] = str(workers)
    t0 = time.perf_counter()
    totals = 0
    job_ids = []
    for year in (2019, 2020, 2021, 2022):
        job, _ = jobs.request(rt, user, {"plan_year": year})
        job_ids.append(job.id)
        totals += job.total
    while any(jobs.progress(rt, j)["status"] != "done" for j in job_ids):
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()
    queue.shutdown()
    rt.engine.dispose()
    return wall, totals


def in_process(data: Path) -> tuple[float, int]:
    from service.usecases import issuing

    rt = Runtime.open(Settings(data_dir=data))
    user = clerk(rt)
    items = jobs._items(rt, {"plan_year": 2019}) + jobs._items(rt, {"plan_year": 2020}) + \
        jobs._items(rt, {"plan_year": 2021}) + jobs._items(rt, {"plan_year": 2022})
    t0 = time.perf_counter()
    for package_id, kind, fmt in items:
        issuing.document(rt, user, package_id, kind, fmt)
    return time.perf_counter() - t0, len(items)


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="jiugai-prog-base-")) / "data"
    rt = Runtime.open(Settings(data_dir=base))
    t0 = time.perf_counter()
    demo.seed(rt)  # the demo's users (a clerk among them), fixture packages and programme
    t_load = time.perf_counter() - t0
    from sqlalchemy import func, select
    from service.db import models as m

    with rt.reading() as s:
        accepted = s.scalar(select(func.count()).select_from(m.PackageRow).where(m.PackageRow.status == "accepted"))
    rt.engine.dispose()
    print(f"programme submitted: {accepted} packages in {t_load:.1f} s ({accepted / t_load:.0f} packages/s)")
    results = {}
    results["in-process, 1"] = in_process(copy_of(base))
    for workers in (1, 2):
        results[f"local pool, {workers}"] = run_batch(copy_of(base), {}, workers)
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        for workers in (1, 2):
            results[f"RQ on Redis, {workers}"] = run_batch(copy_of(base), {"queue_url": "redis://127.0.0.1:6379/14"}, workers)
    except OSError:
        print("Redis is not running: no queue figures")
    print(f"{'how, workers':22} {'wall s':>8} {'docs':>6} {'docs/s':>8}")
    for name, (wall, docs) in results.items():
        print(f"{name:22} {wall:8.1f} {docs:6d} {docs / wall:8.1f}")
    pool1, pool2 = results["local pool, 1"][0], results["local pool, 2"][0]
    print(f"2 workers vs 1 (local pool): {pool1 / pool2:.2f}x")
    if "RQ on Redis, 2" in results:
        rq1, rq2 = results["RQ on Redis, 1"][0], results["RQ on Redis, 2"][0]
        print(f"2 workers vs 1 (RQ): {rq1 / rq2:.2f}x; queue overhead vs local pool with 2 workers: {rq2 / pool2 - 1:+.1%}")
    shutil.rmtree(base.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
