"""Batches of documents (a plan year, a street, a stage): a job of tasks that workers run.

Delivery is at least once: a task holds a lease it renews as it goes; a worker that dies lets
the lease lapse and `requeue_stale` hands the task out again. Every step is idempotent — a
document is issued once per package, kind and format (a unique row), the result zip is the same
bytes whoever assembles it — so nothing is lost and nothing is produced twice.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import timedelta

from sqlalchemy import func, select, update

from service.security.accounts import Principal, now
from service.security.audit import append
from service.config import Settings
from service.db import models as m
from service.usecases.documents import Blocked
from service.domain.documents import kinds
from service.domain.names import UniqueNames, safe_name
from service.runtime import Runtime

TASK_SIZE = 12  # documents per task: small enough to spread over workers, large enough to be cheap
STAGES = ("declaration", "acceptance", "handover")


def lease_seconds() -> int:
    """How long a task may go without a sign of life before another worker takes it over."""
    return int(os.environ.get("JIUGAI_JOB_LEASE_SECONDS", "60"))


def _items(rt: Runtime, params: dict) -> list[list]:
    query = select(m.PackageRow).where(m.PackageRow.status == "accepted").order_by(m.PackageRow.id.desc())
    for key, column in (("plan_year", m.PackageRow.plan_year), ("street", m.PackageRow.street), ("stage", m.PackageRow.stage)):
        if params.get(key) is not None:
            query = query.where(column == params[key])
    with rt.reading() as s:
        rows = s.scalars(query).all()
    current: dict[tuple[str, str], m.PackageRow] = {}
    for row in rows:
        current.setdefault((row.project_code, row.stage), row)
    items = []
    for (code, stage), row in sorted(current.items(), key=lambda kv: (kv[1].street, kv[0][0], STAGES.index(kv[0][1]))):
        for kind in (k for k in kinds().values() if k.stage == stage):
            items += [[row.id, kind.kind, "pdf"], [row.id, kind.kind, "docx"]]
    return items


def validate(params: dict) -> dict:
    """The batch's filters: at least one of plan_year (a year), street, stage."""
    clean = {}
    if params.get("plan_year") not in (None, ""):
        year = params["plan_year"]
        if isinstance(year, bool) or not (str(year).isascii() and str(year).isdigit() and len(str(year)) <= 4) or not 1800 <= int(year) <= 2200:
            raise ValueError("'plan_year' must be a year such as 2020")
        clean["plan_year"] = int(year)
    if params.get("street") not in (None, ""):
        if not isinstance(params["street"], str) or len(params["street"]) > 80:
            raise ValueError("'street' must be a street's name")
        clean["street"] = params["street"]
    if params.get("stage") not in (None, ""):
        if params["stage"] not in STAGES:
            raise ValueError(f"'stage' must be one of {', '.join(STAGES)}")
        clean["stage"] = params["stage"]
    if not clean:
        raise ValueError("choose a plan year, a street or a stage")
    return clean


def request(rt: Runtime, user: Principal, params: dict) -> tuple[m.Job, bool]:
    """Start a batch, or return the one already asked for with the same request; (job, created)."""
    if user.role != "clerk":
        from service.usecases.submissions import Forbidden

        raise Forbidden("only a clerk asks for batches")
    params = validate(params)
    items = _items(rt, params)
    key = hashlib.sha256(json.dumps({"params": params, "items": items}, sort_keys=True).encode()).hexdigest()
    with rt.writing() as s:
        existing = s.scalar(select(m.Job).where(m.Job.key == key, m.Job.status != "failed").order_by(m.Job.id.desc()).limit(1))
        if existing is not None:
            return existing, False
        job = m.Job(key=key, params=params, status="queued" if items else "done", total=len(items), created_by=user.id,
                    created_at=now(), updated_at=now())
        s.add(job)
        s.flush()
        lease = now() + timedelta(seconds=lease_seconds())
        tasks = [m.JobTask(job_id=job.id, items=items[i:i + TASK_SIZE], status="queued", done=0, failures=[], attempts=0,
                           lease_until=lease) for i in range(0, len(items), TASK_SIZE)]
        s.add_all(tasks)
        s.flush()
        append(s, user.name, "batch.request", f"job/{job.id}", {"params": params, "total": len(items)})
        task_ids = [t.id for t in tasks]
    if not items:
        assemble(rt, job.id)
    from service import queue

    for task_id in task_ids:
        queue.dispatch(rt.settings, task_id)
    return job, True


def progress(rt: Runtime, job_id: int) -> dict | None:
    """A job's state: status, done of total, failures with reasons (looking also revives lost tasks)."""
    requeue_stale(rt)
    with rt.reading() as s:
        job = s.get(m.Job, job_id)
        if job is None:
            return None
        tasks = s.scalars(select(m.JobTask).where(m.JobTask.job_id == job_id)).all()
    failures = [f for t in tasks for f in t.failures]
    return {"id": job.id, "params": job.params, "status": job.status, "outcome": _outcome(job.status, failures),
            "total": job.total, "done": sum(t.done for t in tasks), "failures": failures,
            "result": job.result_sha256 is not None}


def _outcome(status: str, failures: list) -> str | None:
    """How a finished job ended, in the words of the spec; None while it runs."""
    if status == "failed":
        return "failed"
    if status == "done":
        return "completed with failures" if failures else "completed"
    return None


def _runtime(settings: Settings | None) -> Runtime:
    global _RUNTIME
    if _RUNTIME is None or (settings is not None and _RUNTIME.settings != settings):
        _RUNTIME = Runtime.open(settings or Settings.from_env(), migrate_db=False)
    return _RUNTIME


_RUNTIME: Runtime | None = None


def run_task(task_id: int, settings: Settings | None = None) -> None:
    """Do one task (a worker's entry point): issue each of its documents not yet issued.

    A document that fails is listed with its reason and the task goes on; a task that fails as a
    whole (its worker's database went away, a bug) is put back for another try, at most
    MAX_ATTEMPTS in all, then fails for good — so one poisoned task can never hold up a queue.
    Whatever leaves this function is a TaskError, which every process boundary can carry.
    """
    rt = _runtime(settings)
    try:
        _run(rt, task_id)
    except Exception as exc:
        reason = describe(exc)
        try:
            _give_back(rt, task_id, reason)
        except Exception:  # the database itself is gone: the lease lapses and requeue_stale decides
            pass
        raise TaskError(f"task {task_id}: {reason}") from None


class TaskError(Exception):
    """A task's failure as plain text: pickles, unpickles and prints the same everywhere."""


def describe(exc: BaseException) -> str:
    """An exception as one line for the job's list of failures."""
    from service.render.fonts import MissingGlyph

    if isinstance(exc, Blocked):
        return ", ".join(f.rule for f in exc.findings)
    if isinstance(exc, MissingGlyph):
        return f"no font can draw the character {exc.char!r} (U+{ord(exc.char):04X})"
    return f"{type(exc).__name__}: {exc}"[:500]


def _run(rt: Runtime, task_id: int) -> None:
    from service.usecases import issuing

    with rt.writing() as s:
        task = s.get(m.JobTask, task_id)
        if task is None or task.status in FINISHED:
            return
        if task.attempts >= MAX_ATTEMPTS:
            _fail(s, task, "not finished after 3 attempts")
            job_id, give_up = task.job_id, True
        else:
            give_up = False
            task.status, task.attempts = "running", task.attempts + 1
            task.lease_until = now() + timedelta(seconds=lease_seconds())
            s.execute(update(m.Job).where(m.Job.id == task.job_id, m.Job.status == "queued").values(status="running", updated_at=now()))
            items, job_id, start = list(task.items), task.job_id, task.done
            creator = s.get(m.User, s.get(m.Job, task.job_id).created_by)
    if give_up:
        _finish_job_if_last(rt, job_id)
        return
    user = Principal(creator.id, creator.name, creator.role, creator.street)
    failures = []
    for n, (package_id, kind, fmt) in enumerate(items, start=1):
        try:
            issuing.document(rt, user, package_id, kind, fmt)
        except Exception as exc:  # one document's failure is listed; the others are still issued
            failures.append({"package": package_id, "document": f"{kind}.{fmt}", "reason": describe(exc)})
        with rt.writing() as s:  # progress, and proof of life
            s.execute(update(m.JobTask).where(m.JobTask.id == task_id).values(
                done=max(n, start), lease_until=now() + timedelta(seconds=lease_seconds())))
    with rt.writing() as s:
        s.execute(update(m.JobTask).where(m.JobTask.id == task_id).values(status="done", done=len(items), failures=failures,
                                                                          lease_until=None))
    _finish_job_if_last(rt, job_id)


MAX_ATTEMPTS = 3
FINISHED = ("done", "failed")


def _fail(s, task: m.JobTask, reason: str) -> None:
    """Give a task up: each of its documents is listed as not issued, with the reason."""
    task.status, task.lease_until = "failed", None
    task.failures = [{"package": p, "document": f"{k}.{f}", "reason": reason} for p, k, f in task.items]


def _give_back(rt: Runtime, task_id: int, reason: str) -> None:
    # Put a crashed task back at once (its lease lapsed now), or fail it after its last attempt.
    with rt.writing() as s:
        task = s.get(m.JobTask, task_id)
        if task is None or task.status in FINISHED:
            return
        if task.attempts >= MAX_ATTEMPTS:
            _fail(s, task, f"not finished after {MAX_ATTEMPTS} attempts: {reason}")
            job_id = task.job_id
        else:
            task.status, task.lease_until, job_id = "queued", now(), None
    if job_id is not None:
        _finish_job_if_last(rt, job_id)


def _finish_job_if_last(rt: Runtime, job_id: int) -> None:
    with rt.reading() as s:
        left = s.scalar(select(func.count()).select_from(m.JobTask).where(m.JobTask.job_id == job_id,
                                                                          m.JobTask.status.not_in(FINISHED)))
    if left == 0:
        assemble(rt, job_id)


def assemble(rt: Runtime, job_id: int) -> None:
    """Put the job's documents into one zip laid out by street and project (the same bytes every time)."""
    with rt.reading() as s:
        job = s.get(m.Job, job_id)
        if job is None or job.status in FINISHED and job.result_sha256:
            return
        tasks = s.scalars(select(m.JobTask).where(m.JobTask.job_id == job_id)).all()
        wanted = {(p, k, f) for t in tasks for p, k, f in t.items}
        docs = s.execute(select(m.DocumentRow, m.PackageRow).join(m.PackageRow, m.PackageRow.id == m.DocumentRow.package_id)
                         .where(m.DocumentRow.package_id.in_({p for p, _k, _f in wanted} or {-1}))).all()
    out = io.BytesIO()
    produced = 0
    names = UniqueNames()  # street and community are the street's text: made safe, collisions suffixed
    with zipfile.ZipFile(out, "w") as z:
        for doc, pkg in sorted(docs, key=lambda d: (d[1].street, d[1].project_code, d[0].kind, d[0].format)):
            if (pkg.id, doc.kind, doc.format) in wanted:
                year = str(pkg.plan_year)
                street = names.name(year, pkg.street)
                project = names.name(f"{year}/{street}", f"{pkg.project_code}-{pkg.community}")
                # Named by the document's title, as a clerk files it (the title is made safe like every name here).
                title = safe_name(f"{pkg.project_code}-{doc.title}", doc.kind)
                info = zipfile.ZipInfo(f"{year}/{street}/{project}/{title}.{doc.format}", (1980, 1, 1, 0, 0, 0))
                z.writestr(info, rt.blobs.read(doc.sha256))
                produced += 1
        failures = [f for t in tasks for f in t.failures]
        if failures:
            z.writestr(zipfile.ZipInfo("failures.json", (1980, 1, 1, 0, 0, 0)), json.dumps(failures, ensure_ascii=False, indent=1))
    digest = rt.blobs.put(out.getvalue())
    status = "failed" if failures and not produced else "done"  # "done" with failures: completed with failures
    with rt.writing() as s:
        s.execute(update(m.Job).where(m.Job.id == job_id).values(status=status, result_sha256=digest, updated_at=now()))


def requeue_stale(rt: Runtime) -> int:
    """Hand out again the tasks whose worker stopped renewing its lease; return how many."""
    from service import queue

    cutoff = now()
    with rt.reading() as s:  # the usual answer is "nothing to do": find that out without a write lock
        stale_count = s.scalar(select(func.count()).select_from(m.JobTask).where(
            m.JobTask.status.in_(("queued", "running")), m.JobTask.lease_until < cutoff))
        running = s.scalar(select(func.count()).select_from(m.Job).where(m.Job.status == "running"))
    if not stale_count and not running:
        return 0
    with rt.writing() as s:
        stale = s.scalars(select(m.JobTask).where(m.JobTask.status.in_(("queued", "running")), m.JobTask.lease_until < cutoff)).all()
        ids, given_up = [], set()
        for task in stale:
            if task.attempts >= MAX_ATTEMPTS:  # its worker died on it three times: a poisoned task, not bad luck
                _fail(s, task, f"not finished after {MAX_ATTEMPTS} attempts (the worker stopped each time)")
                given_up.add(task.job_id)
                continue
            task.status = "queued"
            task.lease_until = cutoff + timedelta(seconds=lease_seconds())  # not again until this lapses too
            ids.append(task.id)
        stuck = s.scalars(select(m.Job.id).where(m.Job.status == "running")).all()
    for task_id in ids:
        queue.dispatch(rt.settings, task_id)
    for job_id in sorted(set(stuck) | given_up):  # every task finished but nobody assembled (the assembler died)
        _finish_job_if_last(rt, job_id)
    return len(ids)


def result(rt: Runtime, job_id: int) -> bytes | None:
    """The finished job's zip, or None."""
    with rt.reading() as s:
        job = s.get(m.Job, job_id)
    return rt.blobs.read(job.result_sha256) if job and job.result_sha256 else None
