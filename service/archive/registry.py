"""The archive's registry of archival codes (档号): one 件号 sequence per (fonds, year, retention
code) across every project the service holds, allocated when a handover is accepted.

Allocation runs inside the transaction that stores the accepted handover, so a rejected or
failed submission allocates nothing and an accepted one is never without its codes. Concurrent
handovers are serialised: SQLite's writing transactions hold the write lock from BEGIN; on
PostgreSQL a transaction-scoped advisory lock is taken, and each sequence row is moved forward
by an UPDATE … RETURNING (a row lock). The unique constraints on the code, on (fonds, year,
retention, 件号) and on (project, file digest) would refuse a duplicate rather than store it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from service.db import models as m
from service.domain.archive import ArchivedDocument, to_number

_LOCK = 0x6A67_0004  # the advisory lock of the registry (PostgreSQL), taken per transaction


def allocated(session: Session, project_code: str) -> dict[str, str]:
    """The codes the registry holds for a project's documents, by file SHA-256."""
    rows = session.execute(select(m.ArchivalCode.sha256, m.ArchivalCode.code).where(m.ArchivalCode.project_code == project_code))
    return {sha: code for sha, code in rows}


def allocate(session: Session, package_id: int, project_code: str, doc: dict, fonds: str, at: datetime) -> list[m.ArchivalCode]:
    """Number the documents of an accepted handover not numbered before in its project; return the new codes."""
    wanted = to_number(doc)
    if not wanted:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    known = allocated(session, project_code)
    groups: dict[tuple[str, str], list[ArchivedDocument]] = {}
    for d in wanted:
        if d.sha256 not in known:
            groups.setdefault((d.year, d.retention), []).append(d)
    rows = []
    for (year, retention), documents in sorted(groups.items()):
        last = _advance(session, fonds, year, retention, len(documents))
        for number, d in enumerate(documents, start=last - len(documents) + 1):
            rows.append(m.ArchivalCode(code=d.code(fonds, number), fonds=fonds, year=year, retention=retention, number=number,
                                       project_code=project_code, sha256=d.sha256, title=d.title, document_date=d.date,
                                       package_id=package_id, allocated_at=at))
    session.add_all(rows)
    session.flush()
    return rows


def _advance(session: Session, fonds: str, year: str, retention: str, count: int) -> int:
    """Move the sequence on by `count` numbers; return the last of them."""
    key = (m.ArchivalSequence.fonds == fonds, m.ArchivalSequence.year == year, m.ArchivalSequence.retention == retention)
    last = session.execute(update(m.ArchivalSequence).where(*key).values(last_number=m.ArchivalSequence.last_number + count)
                           .returning(m.ArchivalSequence.last_number)).scalar()
    if last is None:  # the sequence's first number: no other writer can be here (see the module's note)
        session.add(m.ArchivalSequence(fonds=fonds, year=year, retention=retention, last_number=count))
        session.flush()
        last = count
    return last


def codes_for(rt, row: m.PackageRow, doc: dict) -> dict[str, str]:
    """The codes a document of this package shows, by file SHA-256.

    An accepted handover stored before the registry existed (schema 0004) is numbered here, the
    first time one of its documents is asked for, as it would have been on acceptance."""
    with rt.reading() as s:
        codes = allocated(s, row.project_code)
    if row.status == "accepted" and row.stage == "handover" and any(d.sha256 not in codes for d in to_number(doc)):
        from service.security.accounts import now

        with rt.writing() as s:
            allocate(s, row.id, row.project_code, doc, rt.settings.fonds, now())
            codes = allocated(s, row.project_code)
    return codes


__all__ = ["allocate", "allocated", "codes_for"]
