"""Packages submitted by street offices: checked, then stored whatever the verdict, with history."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from service.accounts import Principal, now
from service.adapters.reader import Limits, open_package
from service.audit import append
from service.db import models as m
from service.domain import values as v
from service.domain.package import Package
from service.domain.project import of_project_block, project_name
from service.domain.rules.base import OtherProject, PlanDecision, attachment_index
from service.report import from_record, to_record
from service.runtime import Runtime


class Forbidden(Exception):
    """The user may not do this (the message says why)."""


class NotFound(Exception):
    """No such thing, or none this user may see (the two look the same from outside)."""


class SqlHistory:
    """The service's memory of earlier packages, for the cross-stage rules."""

    def __init__(self, session: Session):
        self.session = session

    def _current(self, code: str, stage: str) -> m.PackageRow | None:
        return self.session.scalar(select(m.PackageRow).where(
            m.PackageRow.project_code == code, m.PackageRow.stage == stage, m.PackageRow.status == "accepted")
            .order_by(m.PackageRow.id.desc()).limit(1))

    def has_passed_acceptance(self, project_code: str) -> bool:
        row = self._current(project_code, "acceptance")
        return row is not None  # an accepted acceptance package has passed (ACCEPT-CONCLUSION is an error)

    def declared_project(self, project_code: str) -> dict | None:
        row = self._current(project_code, "declaration")
        return row.project if row else None

    def owner_street(self, project_code: str) -> str | None:
        # The first accepted declaration decides, for ever: later ones cannot change it.
        return self.session.scalar(select(m.PackageRow.street).where(
            m.PackageRow.project_code == project_code, m.PackageRow.stage == "declaration", m.PackageRow.status == "accepted")
            .order_by(m.PackageRow.id.asc()).limit(1))

    def _decisions(self, package_ids: list[int]) -> dict[int, PlanDecision]:
        """The newest decision recorded on each of these declarations."""
        newest: dict[int, PlanDecision] = {}
        if package_ids:
            for a in self.session.scalars(select(m.Approval).where(m.Approval.package_id.in_(package_ids)).order_by(m.Approval.id.desc())):
                newest.setdefault(a.package_id, PlanDecision(a.approved, a.approved_budget_yuan))
        return newest

    def plan_decision(self, project_code: str) -> PlanDecision | None:
        row = self._current(project_code, "declaration")
        return self._decisions([row.id]).get(row.id) if row else None

    def standing_projects(self, street: str, except_code: str) -> list[OtherProject]:
        current: dict[str, m.PackageRow] = {}
        for row in self.session.scalars(select(m.PackageRow).where(
                m.PackageRow.street == street, m.PackageRow.stage == "declaration", m.PackageRow.status == "accepted",
                m.PackageRow.project_code != except_code).order_by(m.PackageRow.id.desc())):
            current.setdefault(row.project_code, row)
        decisions = self._decisions([row.id for row in current.values()])
        return [OtherProject(code, row.plan_year, of_project_block(row.project, None)) for code, row in sorted(current.items())
                if decisions.get(row.id) is None or decisions[row.id].approved]


@dataclass
class Stored:
    """A package as stored: its row and its report."""

    row: m.PackageRow
    files: list[m.PackageFile]


def submit(rt: Runtime, user: Principal, upload: Path, limits: Limits | None = None) -> Stored:
    """Check and store a package upload; raises PackageError (not a package) or Forbidden."""
    if user.role != "street":
        raise Forbidden("only a street office submits packages")
    with open_package(upload, limits, scratch=rt.scratch()) as package:
        street = v.text(package.data, "/submitter/street") if isinstance(package.data, dict) else None
        if street != user.street:
            raise Forbidden(f"the package is submitted by {street!r}, not by the user's street {user.street!r}")
        with rt.reading() as s:
            report = rt.checker.check(package, SqlHistory(s))
        upload_digest = rt.blobs.put_file(upload)
        rt.blobs.put(package.raw)
        ids = {entry.get("file"): ident for ident, (_i, entry) in attachment_index(package.data).items()}
        # Only the listed attachments are kept as files (the upload itself is kept as received).
        files = [(name, rt.blobs.put_file(path), path.stat().st_size) for name, path in sorted((package.files or {}).items())
                 if name != "package.json" and name in ids]
        with rt.writing() as s:
            if package.project_code and _held_elsewhere(s, package.project_code, street, report):
                report = rt.checker.check(package, SqlHistory(s))  # now only PROJECT-OWNER
            row = m.PackageRow(
                project_code=package.project_code or "", stage=package.stage or "", street=street or "",
                community=project_name(package.data),  # 1.1: the project's name (项目名称); its communities are in `project`
                plan_year=_year(package.data), status="accepted" if report.valid else "rejected",
                submitted_on=v.text(package.data, "/submitted_on"), received_at=now(), submitted_by=user.id,
                package_sha256=package.sha256, upload_sha256=upload_digest, report=_jsonable(to_record(report)),
                project=_jsonable(package.data.get("project") if isinstance(package.data.get("project"), dict) else {}),
                budget_yuan=v.text(package.data, "/plan/total_budget_yuan") if v.money(package.data, "/plan/total_budget_yuan") is not None else None)
            s.add(row)
            s.flush()
            file_rows = [m.PackageFile(package_id=row.id, path=name, attachment_id=ids.get(name), sha256=digest, size=size)
                         for name, digest, size in files]
            s.add_all(file_rows)
            append(s, user.name, "package.submit", f"package/{row.id}",
                   {"project": row.project_code, "stage": row.stage, "status": row.status, "sha256": row.package_sha256})
            if row.status == "accepted" and row.stage == "handover":  # the archive numbers what it accepts
                from service.archive.registry import allocate

                codes = allocate(s, row.id, row.project_code, package.data, rt.settings.fonds, row.received_at)
                if codes:
                    append(s, user.name, "archive.number", f"package/{row.id}", {"codes": [c.code for c in codes]})
        return Stored(row, file_rows)


def _held_elsewhere(s: Session, code: str, street: str | None, report) -> bool:
    """Whether another street came to hold the code while this package was being checked.

    Two streets' first declarations of one code may be checked at the same time; the writes
    are taken one project at a time (SQLite writes one at a time anyway), so the later sees the
    earlier and gets PROJECT-OWNER: the owner street is the first, and never changes."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "jiugai.project:" + code})
    if any(f.rule == "PROJECT-OWNER" for f in report.findings):
        return False
    owner = SqlHistory(s).owner_street(code)
    return owner is not None and owner != street


def _year(doc) -> int | None:
    # A year out of the schema's bounds is a SCHEMA finding; the row keeps no year rather than one
    # the database's integer column cannot hold.
    year = v.integer(doc, "/project/plan_year")
    return year if year is not None and 1900 <= year <= 2100 else None


def _jsonable(value):
    import json
    from decimal import Decimal

    # Numbers keep being numbers (areas compare across stages); anything else odd becomes text.
    return json.loads(json.dumps(value, default=lambda x: float(x) if isinstance(x, Decimal) else str(x)))


def visible(user: Principal, row: m.PackageRow | None) -> bool:
    """Whether the user may see the package (a street sees only its own street's)."""
    return row is not None and (user.role != "street" or row.street == user.street)


def get(rt: Runtime, user: Principal, package_id: int) -> Stored:
    """A stored package the user may see; raises NotFound otherwise (another street's too)."""
    with rt.reading() as s:
        row = s.get(m.PackageRow, package_id)
        if not visible(user, row):
            raise NotFound(package_id)
        files = list(s.scalars(select(m.PackageFile).where(m.PackageFile.package_id == package_id).order_by(m.PackageFile.id)))
    return Stored(row, files)


def listing(rt: Runtime, user: Principal, filters: dict, page: int, per_page: int) -> tuple[list[m.PackageRow], int]:
    """The packages the user may see, newest first, filtered and paged; (rows, total)."""
    query = select(m.PackageRow)
    if user.role == "street":
        query = query.where(m.PackageRow.street == user.street)
    for key, column in (("street", m.PackageRow.street), ("stage", m.PackageRow.stage), ("status", m.PackageRow.status),
                        ("project", m.PackageRow.project_code), ("plan_year", m.PackageRow.plan_year)):
        if filters.get(key) not in (None, ""):
            query = query.where(column == filters[key])
    with rt.reading() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery()))
        rows = list(s.scalars(query.order_by(m.PackageRow.id.desc()).offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def load(rt: Runtime, stored: Stored) -> Package:
    """The stored package as the core's model, its files read from the blob store."""
    raw = rt.blobs.read(stored.row.package_sha256)
    from service.adapters.reader import parse_json

    files = {f.path: rt.blobs.path(f.sha256) for f in stored.files}
    return Package(parse_json(raw), raw, files, f"package/{stored.row.id}")


def report_of(stored: Stored):
    """The stored report as the core's Report."""
    return from_record(stored.row.report)
