"""The district's decisions and the archive's side: plan approvals, bundles, receipts."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from service.accounts import Principal, now
from service.archive.bag import Bundle, build
from service.archive.registry import codes_for
from service.audit import append
from service.db import models as m
from service.domain import values as v
from service.domain.archive import STAGE_ORDER
from service.domain.findings import N_, Msg
from service.runtime import Runtime
from service.submissions import Forbidden, NotFound, Stored, get, load, report_of

_MONEY = re.compile(r"(0|[1-9][0-9]*)\.[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Conflict(Exception):
    """The request does not fit the state of things (the message says why)."""


def approve(rt: Runtime, user: Principal, package_id: int, body: dict) -> m.Approval:
    """Record the district's decision on an accepted declaration (计划确定); the newest counts."""
    if user.role != "clerk":
        raise Forbidden("only a clerk records the district's decision")
    stored = get(rt, user, package_id)
    if stored.row.stage != "declaration" or stored.row.status != "accepted":
        raise Conflict("a decision is recorded on an accepted declaration only")
    approved = body.get("approved")
    budget = body.get("approved_budget_yuan")
    if not isinstance(approved, bool):
        raise ValueError("'approved' must be true or false")
    if budget is not None and not (isinstance(budget, str) and _MONEY.fullmatch(budget)):
        raise ValueError("'approved_budget_yuan' must be yuan with two decimals, such as \"1200000.00\"")
    if approved and budget is None:
        raise ValueError("an approval names the approved budget ('approved_budget_yuan')")
    remark = body.get("remark", "")
    if not isinstance(remark, str) or len(remark) > 2000:
        raise ValueError("'remark' must be text of at most 2000 characters")
    with rt.writing() as s:
        row = m.Approval(package_id=package_id, approved=approved, plan_year=stored.row.plan_year,
                         approved_budget_yuan=f"{Decimal(budget):.2f}" if budget else None, remark=remark,
                         decided_by=user.id, decided_at=now())
        s.add(row)
        s.flush()
        append(s, user.name, "declaration.decide", f"package/{package_id}",
               {"approved": approved, "budget": row.approved_budget_yuan, "plan_year": row.plan_year})
    return row


def approve_declared(rt: Runtime, clerk: Principal, codes: set[str]) -> int:
    """计划确定 for a batch (the demo, the generated programme): approve each project's current
    accepted declaration that has no decision yet, with its declared budget; how many were approved."""
    with rt.reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.stage == "declaration", m.PackageRow.status == "accepted",
                                                    m.PackageRow.project_code.in_(sorted(codes))).order_by(m.PackageRow.id.desc())).all()
        decided = set(s.scalars(select(m.Approval.package_id).where(m.Approval.package_id.in_([r.id for r in rows]))))
    current: dict[str, m.PackageRow] = {}
    for row in rows:
        current.setdefault(row.project_code, row)
    todo = [row for row in current.values() if row.id not in decided and row.budget_yuan]
    for row in todo:
        approve(rt, clerk, row.id, {"approved": True, "approved_budget_yuan": row.budget_yuan, "remark": f"列入{row.plan_year}年度计划"})
    return len(todo)


def current_packages(rt: Runtime, code: str) -> dict[str, m.PackageRow]:
    """The newest accepted package of each stage of a project."""
    with rt.reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.project_code == code, m.PackageRow.status == "accepted")
                         .order_by(m.PackageRow.id.desc()))
        current: dict[str, m.PackageRow] = {}
        for row in rows:
            current.setdefault(row.stage, row)
    return current


def bundle(rt: Runtime, user: Principal, code: str, download: bool = True) -> Bundle:
    """The handover bundle of a project; raises Forbidden, NotFound, BagRefused.

    A download is recorded in the audit log; building it to show its four-property report is not."""
    if user.role not in ("archivist", "clerk"):
        raise Forbidden("bundles are for archivists and clerks")
    current = current_packages(rt, code)
    if not current:
        raise NotFound(code)
    pairs, archive, issued = [], {}, {}
    for stage in STAGE_ORDER:
        if stage in current:
            stored = get(rt, user, current[stage].id)
            pairs.append((load(rt, stored), report_of(stored)))
            if stage == "handover":
                archive = codes_for(rt, stored.row, pairs[-1][0].data)
            issued.update(_issued(rt, user, stage, current[stage].id))
    result = build(pairs, rt.checker, rt.settings, archive, issued, rt.trust_anchors())
    if download:
        with rt.writing() as s:
            append(s, user.name, "bundle.download", f"project/{code}", {"sha256": result.sha256})
    return result


def _issued(rt: Runtime, user: Principal, stage: str, package_id: int) -> dict:
    """The documents of a package as issued (and stored, signed) by the service, issuing them now if
    they were not yet; one a rule blocks is left to the bag, which refuses the project."""
    from service import issuing
    from service.documents import Blocked
    from service.domain.documents import kinds

    found = {}
    for kind in (k for k in kinds().values() if k.stage == stage):
        for fmt in ("pdf", "docx"):
            try:
                found[(stage, kind.kind, fmt)] = issuing.document(rt, user, package_id, kind.kind, fmt).data
            except Blocked:
                continue
    return found


class ReceiptRefused(ValueError):
    """A receipt that cannot be recorded as sent; `message` says why, in the user's language."""

    def __init__(self, message: Msg):
        super().__init__(message.msgid)
        self.message = message


class ReceiptConflict(Conflict):
    """A different receipt without a reason: a correction must say why."""

    def __init__(self, message: Msg):
        super().__init__(message.msgid)
        self.message = message


def _handover_date(rt: Runtime, row: m.PackageRow) -> date | None:
    doc = json.loads(rt.blobs.read(row.package_sha256))
    return v.day(doc, "/handover/date") or v.day(doc, "/submitted_on")


def receipt(rt: Runtime, user: Principal, code: str, body: dict) -> tuple[m.Receipt, bool]:
    """Record that the archive received a project's handover; (receipt, created).

    The same receipt again changes nothing. A different one corrects the receipt only with a
    reason; both stay (the newest counts) and the audit log records both."""
    if user.role != "archivist":
        raise Forbidden("only an archivist records a receipt")
    receiver, day, reason = body.get("receiver"), body.get("date"), body.get("reason")
    if not isinstance(receiver, str) or not receiver.strip() or len(receiver) > 200:
        raise ValueError("'receiver' must name who received the files")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
        raise ValueError("'reason' must be text of at most 2000 characters")
    reason = reason.strip() if reason else None
    zone = ZoneInfo(rt.settings.timezone)
    today = datetime.now(zone).date()
    try:
        received = date.fromisoformat(day) if isinstance(day, str) and _DATE.fullmatch(day) else None
    except ValueError:
        received = None
    if received is None:
        raise ReceiptRefused(Msg(N_("{date} is not a date: write it YYYY-MM-DD, such as {today}"),
                                 {"date": str(day)[:40], "today": today.isoformat()}))
    handover = current_packages(rt, code).get("handover")
    if handover is None:
        raise Conflict(f"project {code} has no accepted handover package to receive")
    handed = _handover_date(rt, handover)
    if handed is not None and received < handed:
        raise ReceiptRefused(Msg(N_("the receipt's date {date} is before the handover's date {handover}: "
                                    "the archive receives the files on or after the day they are handed over"),
                                 {"date": day, "handover": handed.isoformat()}))
    if received > today:
        raise ReceiptRefused(Msg(N_("the receipt's date {date} is in the future: today is {today} ({zone})"),
                                 {"date": day, "today": today.isoformat(), "zone": rt.settings.timezone}))
    with rt.writing() as s:
        if s.get_bind().dialect.name == "postgresql":  # one receipt decision per project at a time
            s.execute(text("SELECT pg_advisory_xact_lock(7012, hashtext(:code))"), {"code": code})
        existing = s.scalar(select(m.Receipt).where(m.Receipt.project_code == code).order_by(m.Receipt.id.desc()).limit(1))
        if existing is not None and (existing.receiver, existing.received_on) == (receiver.strip(), day):
            return existing, False
        if existing is not None and not reason:
            raise ReceiptConflict(Msg(N_("a receipt is recorded already (received by {receiver} on {date}): "
                                         "to correct it, send the corrected receipt with the reason for the correction"),
                                      {"receiver": existing.receiver, "date": existing.received_on}))
        row = m.Receipt(project_code=code, receiver=receiver.strip(), received_on=day, handover_package_id=handover.id,
                        recorded_by=user.id, recorded_at=now(), reason=reason if existing is not None else None)
        s.add(row)
        s.flush()
        detail = {"receiver": row.receiver, "date": day}
        if existing is not None:
            detail.update(corrects=existing.id, was={"receiver": existing.receiver, "date": existing.received_on}, reason=reason)
        append(s, user.name, "handover.receive.correct" if existing is not None else "handover.receive", f"project/{code}", detail)
    return row, True


def receipts(rt: Runtime) -> dict[str, m.Receipt]:
    """The current (newest) receipt of every project that has one."""
    with rt.reading() as s:
        return {r.project_code: r for r in s.scalars(select(m.Receipt).order_by(m.Receipt.id))}


__all__ = ["Conflict", "ReceiptConflict", "ReceiptRefused", "approve", "approve_declared", "bundle", "receipt", "receipts", "current_packages", "Stored"]
