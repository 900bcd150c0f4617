"""Where job tasks run: a real queue (RQ on Redis) when JIUGAI_QUEUE_URL is set, else a local
process pool, so the embedded default needs no Redis."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from service.config import Settings

QUEUE_NAME = "jiugai"
_POOL: ProcessPoolExecutor | None = None


def dispatch(settings: Settings, task_id: int) -> None:
    """Hand a task to a worker."""
    if settings.queue_url:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE_NAME, connection=Redis.from_url(settings.queue_url)).enqueue(
            "service.jobs.run_task", task_id, job_timeout=3600, result_ttl=0, failure_ttl=86400)
    else:
        try:
            _pool().submit(_run_local, task_id, settings)
        except BrokenProcessPool:  # a worker was killed (out of memory, kill -9): start a fresh pool
            _drop_pool()
            _pool().submit(_run_local, task_id, settings)


def _run_local(task_id: int, settings: Settings) -> None:
    from service.jobs import run_task

    try:
        run_task(task_id, settings)
    except BaseException as exc:
        # What crosses back to the parent must unpickle there: an exception that cannot (one with a
        # required argument, as MissingGlyph once had) breaks the whole pool. Send plain text.
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None


def _pool() -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        import os

        workers = int(os.environ.get("JIUGAI_JOB_WORKERS", "2"))
        _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    return _POOL


def _drop_pool() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL = None


def shutdown() -> None:
    """Wait for the local pool's tasks and stop it (tests, benchmarks)."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True)
        _POOL = None
