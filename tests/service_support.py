"""Fixtures for the service tests: a runtime on SQLite or PostgreSQL, an app, users with tokens."""
from __future__ import annotations

import io
import secrets
import socket
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, unavailable
from service.security.accounts import add_user, create_token
from service.config import Settings
from service.runtime import Runtime
from service.web import create_app

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_MISSING = "PostgreSQL is not reachable at 127.0.0.1:5432 (database test): the PostgreSQL runs of these tests cannot run here"


def listening(port: int) -> bool:
    """Whether a server answers on this loopback port (PostgreSQL 5432, Redis 6379)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def postgres_up() -> bool:
    return listening(5432)


def database_settings(kind: str, tmp_path):
    """Settings for a fresh database: SQLite in a temp data dir, or a new PostgreSQL schema (with the
    files in the database too, as several machines would share them)."""
    if kind == "sqlite":
        yield Settings(data_dir=tmp_path / "data")
        return
    if not postgres_up():
        unavailable(PG_MISSING)
    from sqlalchemy import create_engine, text

    schema = f"jgtest_{secrets.token_hex(6)}"
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield Settings(data_dir=tmp_path / "data", database_url=PG_URL, database_schema=schema,
                       blob_store="database" if kind.endswith("blobs-in-db") else "local")
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres", "postgres-blobs-in-db"])
def database(request, tmp_path):
    """A fresh database of each kind: SQLite, PostgreSQL, and PostgreSQL holding the files too."""
    yield from database_settings(request.param, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"], name="database")
def database_not_files(request, tmp_path):
    """For tests where where the files live cannot matter (sessions, the audit chain, the rules
    across projects): SQLite and PostgreSQL. Import it instead of `database`."""
    yield from database_settings(request.param, tmp_path)


@pytest.fixture
def sqlite_settings(tmp_path):
    return Settings(data_dir=tmp_path / "data")


def open_runtime(settings: Settings) -> Runtime:
    return Runtime.open(settings)


USERS = {
    "chaohui": ("street", "朝晖街道"),
    "chaoming": ("street", "潮鸣街道"),
    "clerk": ("clerk", None),
    "archivist": ("archivist", None),
    "admin": ("admin", None),
}


_HASHES: dict[str, str] = {}


def password_hash(password: str) -> str:
    """The scrypt hash of a test password, made once per test run: hashing takes about 0.2 s on
    purpose, and hundreds of tests make the same five users."""
    if password not in _HASHES:
        from werkzeug.security import generate_password_hash

        _HASHES[password] = generate_password_hash(password)
    return _HASHES[password]


def make_users(rt: Runtime) -> dict[str, str]:
    """One user per role (two streets) with a password 'pw-<name>'; returns their tokens."""
    from sqlalchemy import update

    from service.db import models as m

    tokens = {}
    for name, (role, street) in USERS.items():
        add_user(rt, name, role, street, None)
        with rt.writing() as s:  # the same hash add_user would store, computed once
            s.execute(update(m.User).where(m.User.name == name).values(password_hash=password_hash(f"pw-{name}")))
        tokens[name] = create_token(rt, name)
    return tokens


def zipped(folder: Path, prefix: str = "") -> bytes:
    """A package folder as zip bytes."""
    from service.adapters.files import zip_folder

    return zip_folder(folder, prefix)


def example(stage: str) -> bytes:
    return zipped(FIXTURES / "examples" / stage)


def fixture(stage: str, name: str) -> bytes:
    return zipped(FIXTURES / stage / name)


class Api:
    """A test client that sends a user's bearer token."""

    def __init__(self, client, tokens: dict[str, str]):
        self.client, self.tokens = client, tokens

    def __call__(self, user: str | None, method: str, url: str, **kw):
        headers = kw.pop("headers", {})
        if user:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return self.client.open(url, method=method, headers=headers, **kw)

    def submit(self, user: str, data: bytes):
        return self(user, "POST", "/api/v1/packages", data=data, content_type="application/zip")


def served(settings: Settings):
    """(runtime, Api) on these settings with the users of USERS, disposed of afterwards (a fixture body)."""
    rt = open_runtime(settings)
    tokens = make_users(rt)
    app = create_app(runtime=rt)
    app.testing = True
    yield rt, Api(app.test_client(), tokens)
    rt.engine.dispose()


@pytest.fixture
def service(database):
    """(runtime, Api) on a fresh database with the users of USERS."""
    yield from served(database)


@pytest.fixture
def sqlite_service(sqlite_settings):
    rt = open_runtime(sqlite_settings)
    tokens = make_users(rt)
    app = create_app(runtime=rt)
    yield rt, Api(app.test_client(), tokens)
    rt.engine.dispose()


def modified(stage: str, change) -> bytes:
    """A spec example with its package.json changed by `change(doc)`, zipped."""
    import json

    folder = FIXTURES / "examples" / stage
    doc = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    change(doc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "package.json":
                z.write(path, path.relative_to(folder).as_posix())
        z.writestr("package.json", json.dumps(doc, ensure_ascii=False))
    return out.getvalue()


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int = 1):
    """`jiugai serve` in its own process group, once it answers /api/v1/health."""
    import subprocess
    import sys
    import time
    import urllib.request

    process = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", str(workers)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start: " + process.stdout.read().decode(errors="replace")[-2000:])


def submit_example_project(api, user: str = "chaohui", stages=("declaration", "acceptance", "handover")) -> dict[str, int]:
    """The spec's three examples submitted as a street would, with the district's 计划确定 (approved with the
    declared budget) between declaration and acceptance, as PROJECT-APPROVED requires; {stage: package id}."""
    ids = {}
    for stage in stages:
        response = api.submit(user, example(stage))
        assert response.status_code == 201 and response.json["status"] == "accepted", response.json
        ids[stage] = response.json["id"]
        if stage == "declaration":
            decided = api("clerk", "POST", f"/api/v1/packages/{ids[stage]}/approval",
                          json={"approved": True, "approved_budget_yuan": "16200000.00", "remark": "列入年度改造计划"})
            assert decided.status_code == 201, decided.json
    return ids
