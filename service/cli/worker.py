"""`jiugai worker`: runs job tasks from the queue (JIUGAI_QUEUE_URL), and revives lost ones."""
from __future__ import annotations

import threading

from service.cli.common import EXIT_INVALID, fail


def run(args) -> int:
    """Work the queue until stopped; a thread hands out again the tasks of workers that died."""
    from redis import Redis
    from rq import SimpleWorker

    from service.config import Settings
    from service.jobs import lease_seconds, requeue_stale
    from service.queue import QUEUE_NAME
    from service.runtime import Runtime

    settings = Settings.from_env()
    if not settings.queue_url:
        fail("set JIUGAI_QUEUE_URL (e.g. redis://127.0.0.1:6379/0) to run a worker; without it jobs run in the web process's pool")
        return EXIT_INVALID
    if not settings.secret_key and settings.database_url:
        # Workers append to the audit log too: a key of their own would break the chain for verify.
        fail(f"warning: JIUGAI_SECRET_KEY is not set, so this worker keys audit entries with "
             f"{settings.data_dir / 'secret_key'}: it must be the web servers' secret (set the same JIUGAI_SECRET_KEY everywhere)")
    runtime = Runtime.open(settings)
    from service.signing.keys import SigningKeyError

    try:  # a key that cannot be opened is said now, not by every task that issues a PDF
        runtime.signing_key()
    except SigningKeyError as exc:
        fail(str(exc))
        return EXIT_INVALID
    stop = threading.Event()

    def reaper():
        while not stop.wait(max(1, lease_seconds() // 3)):
            try:
                requeue_stale(runtime)
            except Exception:  # noqa: BLE001 - the reaper keeps going; the next round tries again
                pass

    requeue_stale(runtime)
    threading.Thread(target=reaper, daemon=True).start()
    try:
        SimpleWorker([QUEUE_NAME], connection=Redis.from_url(settings.queue_url)).work(with_scheduler=False)
    finally:
        stop.set()
    return 0
