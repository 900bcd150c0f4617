"""Archival codes (档号) from the archive's registry: one sequence per (fonds, year, retention) across
every project, allocated when a handover is accepted, never reused, shown on the transfer record, in
the bag's catalogue and in the ledger — on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import json
import tempfile
import threading
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from conftest import FIXTURES
from service import issuing
from service.db import models as m
from service.domain.archive import to_number
from service.programme.dataset import STAGES, generated, zipped
from service.programme.load import load, street_users
from service.submissions import submit
from service_support import submit_example_project  # noqa: E402
from service_support import database, example, open_runtime, service, sqlite_service, sqlite_settings  # noqa: F401  (pytest fixtures)

HANDOVER = FIXTURES / "examples" / "handover"
EXTRA_TITLE = "朝晖一区长效管理补充协议"


def codes(rt) -> list[m.ArchivalCode]:
    with rt.reading() as s:
        return list(s.scalars(select(m.ArchivalCode).order_by(m.ArchivalCode.id)))


def assert_one_sequence_each(rows: list[m.ArchivalCode]) -> None:
    """Every code distinct, and each (fonds, year, retention) numbered 1, 2, 3 … without a gap."""
    assert len({r.code for r in rows}) == len(rows)
    numbers = defaultdict(list)
    for r in rows:
        numbers[(r.fonds, r.year, r.retention)].append(r.number)
        assert r.code == f"{r.fonds}-{r.year}-{r.retention}-{r.number:04d}"
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), key


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def programme_handovers() -> set[tuple[str, str]]:
    """(project code, file SHA-256) of every document the whole programme hands over: the generated
    projects' and the demo's fixture projects' (written here from the packages, not from the service)."""
    from service.programme.plan import DEMO_PACKAGES, fixtures_dir

    expected = {(p.code, d.sha256) for p in generated() for d in to_number(STAGES["handover"](p)[0])}
    for folder, _user in DEMO_PACKAGES:
        doc = json.loads((fixtures_dir() / folder / "package.json").read_text(encoding="utf-8"))
        if doc["stage"] == "handover":
            expected |= {(doc["project"]["code"], d.sha256) for d in to_number(doc)}
    return expected


@pytest.mark.parametrize("database", ["sqlite", "postgres"], indirect=True)
def test_the_whole_programme_gets_codes_distinct_across_the_district(database):
    from service.demo import seed

    rt = open_runtime(database)
    try:
        seed(rt)  # what `make run` loads: the demo's fixture projects and the rest of the 93 communities
        rows = codes(rt)
        expected = programme_handovers()
        assert len(expected) > 400 and {(r.project_code, r.sha256) for r in rows} == expected
        assert_one_sequence_each(rows)
        assert sum(r.code == "J001-2020-Y-0001" for r in rows) == 1  # one code, one document
        # The ledger lists every allocated code on its sheet 档号.
        from service.programme.ledger import workbook

        sheet = load_workbook(io.BytesIO(workbook(rt)))["档号"]
        listed = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert sorted(listed) == sorted(r.code for r in rows)
    finally:
        rt.engine.dispose()


def handover_zip(extra: bool, pages: int = 6) -> bytes:
    """The example handover, with one more document (a supplementary agreement) when `extra`."""
    doc = json.loads((HANDOVER / "package.json").read_text(encoding="utf-8"))
    files = {p.relative_to(HANDOVER).as_posix(): p.read_bytes() for p in sorted(HANDOVER.rglob("*"))
             if p.is_file() and p.name != "package.json"}
    if extra:
        data = files["documents/doc-management.pdf"] + b"\n% a different file of the same six pages\n"
        files["documents/doc-extra.pdf"] = data
        doc["attachments"].append({"id": "doc-extra", "file": "documents/doc-extra.pdf",
                                   "sha256": hashlib.sha256(data).hexdigest(), "title": EXTRA_TITLE})
        doc["handover"]["documents"].append({"category": "management", "title": EXTRA_TITLE, "responsible": "朝晖街道办事处",
                                             "date": "2021-02-05", "pages": pages, "retention": "long", "file": "doc-extra"})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
        z.writestr("package.json", json.dumps(doc, ensure_ascii=False))
    return out.getvalue()


def test_a_second_handover_keeps_every_code_and_numbers_only_the_new_document(service):
    rt, api = service
    declaration = api.submit("chaohui", example("declaration")).json["id"]
    assert api("clerk", "POST", f"/api/v1/packages/{declaration}/approval",
               json={"approved": True, "approved_budget_yuan": "16200000.00"}).status_code == 201
    assert api.submit("chaohui", example("acceptance")).json["status"] == "accepted"
    first = api.submit("chaohui", handover_zip(extra=False)).json
    assert first["status"] == "accepted"
    before = {r.sha256: r.code for r in codes(rt)}
    assert len(before) == 8 and "J001-2020-C-0003" in before.values()

    # A handover that fails a rule is stored as rejected and numbers nothing.
    rejected = api.submit("chaohui", handover_zip(extra=True, pages=7)).json
    assert rejected["status"] == "rejected"
    assert {r.sha256: r.code for r in codes(rt)} == before

    again = api.submit("chaohui", handover_zip(extra=True)).json
    assert again["status"] == "accepted"
    after = {r.sha256: r.code for r in codes(rt)}
    new = {sha: code for sha, code in after.items() if sha not in before}
    assert {sha: after[sha] for sha in before} == before  # the same document keeps its code
    assert list(new.values()) == ["J001-2021-C-0002"]  # the next in its sequence: the rejected one took none

    # The transfer record the service issues shows the allocated codes (and is no draft).
    record = api("chaohui", "GET", f"/api/v1/packages/{again['id']}/documents/handover-record.pdf")
    assert record.status_code == 200
    text = pdf_text(record.data)
    assert all(code in text for code in after.values()) and "待编" not in text and "草稿" not in text
    number = issuing.document(rt, _archivist(rt), again["id"], "handover-record", "pdf").number
    assert not number.startswith("YJ-DRAFT-") and api(None, "GET", f"/api/v1/verify/{number}").status_code == 200

    # The bag carries them in its catalogue; the ledger on its sheet 档号.
    bag = api("archivist", "GET", "/api/v1/projects/XC-2020-007/bundle.zip")
    assert bag.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bag.data)) as z:
        catalogue = json.loads(z.read("XC-2020-007/archive-catalogue.json"))
        metadata = json.loads(z.read("XC-2020-007/archive-metadata.json"))
    assert catalogue["draft"] is False and metadata["draft"] is False
    assert {d["sha256"]: d["archival_code"] for d in catalogue["documents"]} == after
    assert [d["archival_code"] for d in metadata["archived_documents"]] == [d["archival_code"] for d in catalogue["documents"]]
    ledger = api("clerk", "GET", "/api/v1/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(ledger.data))["档号"]
    assert {row[3]: row[7] for row in sheet.iter_rows(min_row=2, values_only=True)} == {c: s for s, c in after.items()}


def _archivist(rt):
    from service.accounts import Principal

    with rt.reading() as s:
        u = s.scalar(select(m.User).where(m.User.name == "archivist"))
    return Principal(u.id, u.name, u.role, u.street)


def test_a_draft_number_is_unknown_to_verify(service):
    from service.adapters.reader import open_package
    from service.documents import render
    from service.services import checker

    rt, api = service
    with open_package(HANDOVER) as package:
        draft = render("handover-record", "pdf", package, checker().check(package), checker())
    assert draft.number.startswith("YJ-DRAFT-")
    assert api(None, "GET", f"/api/v1/verify/{draft.number}").status_code == 404


def test_concurrent_handovers_of_different_projects_get_distinct_codes(database):
    rt = open_runtime(database)
    try:
        assert load(rt, plan_years={2019}, stages=("declaration", "acceptance")) == 12
        users = street_users(rt)
        projects = [p for p in generated() if p.plan_year == 2019]
        statuses, errors = [], []

        def hand_over(c, folder: Path):
            upload = folder / f"{c.code}.zip"
            upload.write_bytes(zipped(*STAGES["handover"](c)))
            try:
                statuses.append(submit(rt, users[c.street], upload).row.status)
            except Exception as exc:  # noqa: BLE001  (a failure is what this test looks for)
                errors.append(exc)

        with tempfile.TemporaryDirectory() as tmp:
            start = threading.Barrier(len(projects))
            threads = [threading.Thread(target=lambda c=c: (start.wait(), hand_over(c, Path(tmp)))) for c in projects]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert errors == [] and statuses == ["accepted"] * len(projects)
        rows = codes(rt)
        assert len(rows) == sum(len(to_number(STAGES["handover"](c)[0])) for c in projects)
        assert_one_sequence_each(rows)
        with rt.reading() as s:
            assert s.scalar(select(func.count()).select_from(m.ArchivalSequence)) == len({(r.year, r.retention) for r in rows})
    finally:
        rt.engine.dispose()


def test_migration_0004_forgets_transfer_records_that_carry_per_handover_codes(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from service.db.engine import MIGRATIONS, make_engine, writer

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def upgrade(to: str) -> None:
        with writer(engine).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, to)

    upgrade("0003")
    with writer(engine).begin() as c:
        c.execute(text("INSERT INTO users (id, name, role, disabled, failed_logins, created_at) VALUES (1, 'u', 'street', 0, 0, '2021-03-01')"))
        c.execute(text("INSERT INTO packages (id, project_code, stage, street, community, status, received_at, submitted_by, "
                       "package_sha256, upload_sha256, report, project) VALUES (1, 'XC-2020-007', 'handover', 's', 'c', 'accepted', "
                       "'2021-03-01', 1, 'a', 'b', '{}', '{}')"))
        for kind in ("handover-record", "notice"):
            c.execute(text("INSERT INTO documents (package_id, kind, format, number, sha256, title, issued_at) "
                           f"VALUES (1, '{kind}', 'pdf', 'N-{kind}', 'd', 't', '2021-03-01')"))
    upgrade("head")
    with engine.connect() as c:
        assert [k for (k,) in c.execute(text("SELECT kind FROM documents"))] == ["notice"]
        assert c.execute(text("SELECT count(*) FROM archival_codes")).scalar() == 0
    engine.dispose()


def test_a_handover_accepted_before_the_registry_is_numbered_when_its_record_is_asked_for(sqlite_service):
    from sqlalchemy import delete

    rt, api = sqlite_service
    declared = api.submit("chaohui", example("declaration")).json
    assert declared["status"] == "accepted"
    assert api("clerk", "POST", f"/api/v1/packages/{declared['id']}/approval",
               json={"approved": True, "approved_budget_yuan": "16200000.00"}).status_code == 201
    assert api.submit("chaohui", example("acceptance")).json["status"] == "accepted"
    handed = api.submit("chaohui", handover_zip(extra=False)).json["id"]
    with rt.writing() as s:  # as a database upgraded from schema 0003 holds it
        s.execute(delete(m.ArchivalCode))
        s.execute(delete(m.ArchivalSequence))
    record = api("clerk", "GET", f"/api/v1/packages/{handed}/documents/handover-record.pdf")
    assert record.status_code == 200
    rows = codes(rt)
    assert len(rows) == 8 and {r.package_id for r in rows} == {handed}
    assert_one_sequence_each(rows)
    assert all(r.code in pdf_text(record.data) for r in rows)


def test_a_restored_backup_keeps_the_codes_and_the_sequences_go_on(sqlite_service, tmp_path):
    from service.backup import backup, restore
    from service.config import Settings
    from service_support import Api, create_app

    rt, api = sqlite_service
    submit_example_project(api, stages=("declaration", "acceptance"))
    assert api.submit("chaohui", handover_zip(extra=False)).json["status"] == "accepted"
    before = {r.sha256: r.code for r in codes(rt)}
    rt2 = open_runtime(Settings(data_dir=tmp_path / "restored"))
    try:
        backup(rt, tmp_path / "backup.zip")
        counts = restore(rt2, tmp_path / "backup.zip")["rows"]
        assert counts["archival_codes"] == 8 and counts["archival_sequences"] == 5
        assert {r.sha256: r.code for r in codes(rt2)} == before
        again = Api(create_app(runtime=rt2).test_client(), api.tokens).submit("chaohui", handover_zip(extra=True)).json
        assert again["status"] == "accepted"
        assert sorted(set(r.code for r in codes(rt2)) - set(before.values())) == ["J001-2021-C-0002"]
    finally:
        rt2.engine.dispose()
