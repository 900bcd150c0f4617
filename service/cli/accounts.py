"""`jiugai user …`, `jiugai token …` and `jiugai audit verify`: access and its record."""
from __future__ import annotations

import getpass
import sys

from service.cli.common import EXIT_INVALID, EXIT_VALID, fail


def _password() -> str | None:
    if sys.stdin is None:
        return None
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise ValueError("the passwords differ")
        return first or None
    line = sys.stdin.readline()
    return line.rstrip("\r\n") or None


def user(args) -> int:
    """Add or disable a user, change a password, end a user's sessions."""
    from service.security.accounts import AccountError, add_user, disable_user, set_one_time
    from service.runtime import Runtime
    from service.security.sessions import revoke, set_password

    rt = Runtime.open()
    try:
        if args.action == "add":
            add_user(rt, args.name, args.role, args.street, _password(), one_time=getattr(args, "one_time", False))
            print(f"user {args.name} ({args.role}{', ' + args.street if args.street else ''}) added")
        elif args.action == "password":
            set_password(rt, args.name, _password() or "")
            set_one_time(rt, args.name, getattr(args, "one_time", False))  # --one-time: to change at the next sign-in
            print(f"password of {args.name} changed; every session of {args.name} has ended")
        elif args.action == "end-sessions":
            print(f"{revoke(rt, args.name)} session(s) of {args.name} ended")
        else:
            disable_user(rt, args.name)
            print(f"user {args.name} disabled; every session of {args.name} has ended")
    except (AccountError, ValueError) as exc:
        fail(str(exc))
        return EXIT_INVALID
    return EXIT_VALID


def token(args) -> int:
    """Create a token for a user (printed alone on its line) or revoke one."""
    from service.security.accounts import AccountError, create_token, revoke_token
    from service.runtime import Runtime

    rt = Runtime.open()
    try:
        if args.action == "create":
            print(create_token(rt, args.name))
        else:
            count = revoke_token(rt, args.name)
            print(f"{count} token(s) revoked")
    except AccountError as exc:
        fail(str(exc))
        return EXIT_INVALID
    return EXIT_VALID


def audit(args) -> int:
    """Check the audit log's keyed chain and its head against the checkpoint; or key an old chain."""
    from pathlib import Path

    from service.security import audit as log
    from service.runtime import Runtime

    rt = Runtime.open()
    checkpoint = rt.settings.data_dir / log.CHECKPOINT
    if args.action == "migrate":
        recorded = log.read_checkpoint(checkpoint)
        try:
            with rt.writing() as s:
                before = log.head(s)
                problem = recorded and log.against_head(s, before["count"], recorded)
                if problem:  # migrating must not bless a log cut or rewritten since the head was recorded
                    raise ValueError(problem)
                count = log.migrate(s)
                if count:
                    log.append(s, "cli", "audit.migrate", "audit_log", {"entries": count, "plain_head": before["digest"]})
        except ValueError as exc:
            fail(str(exc))
            return EXIT_INVALID
        print(f"{count} audit entries keyed" if count else "the audit log is keyed already: nothing to migrate")
        return EXIT_VALID
    recorded = _head_of(Path(args.head)) if args.head else log.read_checkpoint(checkpoint)
    if args.head and recorded is None:
        fail(f"{args.head} does not exist")
        return EXIT_INVALID
    with rt.reading() as s:
        verdict = log.check(s, recorded)
    if verdict.problem:
        fail(verdict.problem)
        return EXIT_INVALID
    against = f"; head matches {args.head or checkpoint.name}" if recorded else "; no checkpoint recorded yet"
    print(f"{verdict.count} audit entries, chain intact{against}")
    return EXIT_VALID


def _head_of(path):
    """A head recorded in a JSON file, or in a backup (its audit-head.json)."""
    import json
    import zipfile

    from service.security.audit import read_checkpoint

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read("audit-head.json")) if "audit-head.json" in z.namelist() else None
    return read_checkpoint(path)
