"""The database engine (SQLite in the data directory by default, PostgreSQL by URL) and migrations."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A writing transaction takes the write lock at its start, so concurrent writers queue
            # (busy_timeout) instead of failing midway; a reading one does not block anybody.
            write = connection.get_execution_options().get("jiugai_write")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        # pysqlite's own transaction handling would issue BEGIN itself; leave it to the event above.
        @event.listens_for(engine, "connect")
        def _sqlite_autocommit(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        return engine
    options = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}
    if schema:
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    return create_engine(url, **options)


def writer(engine: Engine) -> Engine:
    """The same engine, for transactions that write (SQLite takes its write lock at BEGIN)."""
    return engine.execution_options(jiugai_write=True)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (Alembic upgrade head)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
