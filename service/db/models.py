"""The tables: users and tokens, packages and their files, documents, decisions, receipts, audit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # street, clerk, archivist, admin
    street: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set with a one-time password (given to the user by someone else); the pages ask for a new one first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Token(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token; the token itself is never stored
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to name a token when revoking it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PackageRow(Base):
    __tablename__ = "packages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Text: a rejected package may carry any value here, and it is stored all the same.
    project_code: Mapped[str] = mapped_column(Text, index=True)
    stage: Mapped[str] = mapped_column(Text)
    street: Mapped[str] = mapped_column(Text, index=True)
    community: Mapped[str] = mapped_column(Text)
    plan_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # accepted, rejected
    submitted_on: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    package_sha256: Mapped[str] = mapped_column(String(64))  # of package.json
    upload_sha256: Mapped[str] = mapped_column(String(64))  # of the upload as received
    report: Mapped[dict] = mapped_column(JSON)
    project: Mapped[dict] = mapped_column(JSON)
    budget_yuan: Mapped[str | None] = mapped_column(Text)  # a declaration's total budget, for overviews
    __table_args__ = (Index("ix_packages_project_stage", "project_code", "stage", "status"),)


class PackageFile(Base):
    __tablename__ = "package_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    kind: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(40), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # the file served (signed, for a signed PDF)
    title: Mapped[str] = mapped_column(Text)
    unsigned_sha256: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)  # the render it signs
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("package_id", "kind", "format"),)


class Approval(Base):
    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    approved: Mapped[bool] = mapped_column(Boolean)
    plan_year: Mapped[int | None] = mapped_column(Integer)
    approved_budget_yuan: Mapped[str | None] = mapped_column(String(20))
    remark: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Receipt(Base):
    __tablename__ = "receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Not unique: an archivist corrects a receipt by recording a new one with a reason; the newest counts.
    project_code: Mapped[str] = mapped_column(Text, index=True)
    receiver: Mapped[str] = mapped_column(Text)
    received_on: Mapped[str] = mapped_column(String(10))
    handover_package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)  # why this receipt corrects the one before it


class WebSession(Base):
    """A signed-in browser: the cookie carries a random key whose digest is this row's id."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the key in the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(40))


class SigninFailure(Base):
    """Failed sign-ins of one account name from one address: they slow that source, nobody else."""

    __tablename__ = "signin_failures"
    source: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of (name, address)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Blob(Base):
    """Blob contents when they live in the database (JIUGAI_BLOB_STORE=database)."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSON)
    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))


class Job(Base):
    """A batch of documents asked for by a clerk; the work is in its tasks."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # the same request gives the same key
    params: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobTask(Base):
    """A slice of a job that one worker does at a time, under a lease that a dead worker lets expire."""

    __tablename__ = "job_tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    items: Mapped[list] = mapped_column(JSON)  # [[package_id, kind, format], ...]
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done
    done: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[list] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ArchivalSequence(Base):
    """The last 件号 the archive allocated in one (fonds, year, retention code), across every project."""

    __tablename__ = "archival_sequences"
    fonds: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[str] = mapped_column(String(4), primary_key=True)
    retention: Mapped[str] = mapped_column(String(1), primary_key=True)  # Y 永久, C 长期, D 短期
    last_number: Mapped[int] = mapped_column(Integer)


class ArchivalCode(Base):
    """A 档号 allocated to a document (a file, by SHA-256, within a project) when its handover was
    accepted; never changed, never reused."""

    __tablename__ = "archival_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    fonds: Mapped[str] = mapped_column(String(40))
    year: Mapped[str] = mapped_column(String(4))
    retention: Mapped[str] = mapped_column(String(1))
    number: Mapped[int] = mapped_column(Integer)
    project_code: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    document_date: Mapped[str] = mapped_column(Text)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)  # the handover that first listed it
    allocated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("project_code", "sha256", name="uq_archival_codes_document"),
                      UniqueConstraint("fonds", "year", "retention", "number", name="uq_archival_codes_number"))
