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
    """Add or disable a user."""
    from service.accounts import AccountError, add_user, disable_user
    from service.runtime import Runtime

    rt = Runtime.open()
    try:
        if args.action == "add":
            add_user(rt, args.name, args.role, args.street, _password(), one_time=getattr(args, "one_time", False))
            print(f"user {args.name} ({args.role}{', ' + args.street if args.street else ''}) added")
        else:
            disable_user(rt, args.name)
            print(f"user {args.name} disabled")
    except (AccountError, ValueError) as exc:
        fail(str(exc))
        return EXIT_INVALID
    return EXIT_VALID


def token(args) -> int:
    """Create a token for a user (printed alone on its line) or revoke one."""
    from service.accounts import AccountError, create_token, revoke_token
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
    """Check that the audit log's chain of digests is intact."""
    from service.audit import verify
    from service.runtime import Runtime

    rt = Runtime.open()
    with rt.reading() as s:
        count, broken = verify(s)
    if broken is not None:
        fail(f"the audit log is broken at entry {broken} (of {count} read): an entry was removed or altered")
        return EXIT_INVALID
    print(f"{count} audit entries, chain intact")
    return EXIT_VALID
