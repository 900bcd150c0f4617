"""The `jiugai` command line (interfaces.md). Each command lives in its own module."""
from __future__ import annotations

import argparse

from service.i18n import LANGUAGES

DOCUMENTS = ("notice", "acceptance-certificate", "handover-record", "subsidy-statement")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiugai", description="旧改 — renovation packages: check, render, bag, serve")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--lang", choices=tuple(LANGUAGES), default="zh", help="language of messages (default zh)")
        return p

    check = command("check", "check a package (.zip, folder or package.json)")
    check.add_argument("package")
    check.add_argument("--format", choices=("text", "json"), default="text")
    render = command("render", "fill a document from a package (.docx or .pdf by the suffix of -o)")
    render.add_argument("document", choices=DOCUMENTS)
    render.add_argument("package")
    render.add_argument("-o", "--output", required=True)
    render.add_argument("--no-sign", action="store_true", help="leave a PDF unsigned even when a signing key is configured")
    bag = command("bag", "build the archive handover bundle (BagIt) of a project's packages")
    bag.add_argument("packages", nargs="+")
    bag.add_argument("-o", "--output", required=True)
    serve = command("serve", "run the service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4)
    serve.add_argument("--access-log", action="store_true")
    user = command("user", "add or disable a user, set a password (read from stdin) or end a user's sessions")
    user.add_argument("action", choices=("add", "disable", "password", "end-sessions"))
    user.add_argument("name")
    user.add_argument("--role", choices=("street", "clerk", "archivist", "admin"))
    user.add_argument("--street")
    user.add_argument("--one-time", action="store_true", help="the password is one-time: the user must change it at first sign-in to the pages")
    token = command("token", "create or revoke an API token")
    token.add_argument("action", choices=("create", "revoke"))
    token.add_argument("name", help="the user (create), or the token or its first 10 characters (revoke)")
    audit = command("audit", "check the audit log")
    audit.add_argument("action", choices=("verify", "migrate"))
    audit.add_argument("--head", help="a head recorded elsewhere (the audit-head.json of a backup) to check against")
    backup = command("backup", "write a consistent copy of the database and every stored file")
    backup.add_argument("output")
    restore = command("restore", "restore a backup into an empty data directory and database")
    restore.add_argument("input")
    command("worker", "run batch tasks from the queue (JIUGAI_QUEUE_URL)")
    ledger = command("ledger", "write the district ledger (XLSX) of every project")
    ledger.add_argument("output")
    keys = command("keys", "signing keys: `init` makes a trial CA and office certificate in the data directory")
    keys.add_argument("action", choices=("init",))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jiugai` console script."""
    args = _parser().parse_args(argv)
    if args.command == "user" and args.action == "add" and not args.role:
        _parser().error("user add needs --role")
    from service.cli import accounts, backup, bag, check, keys, ledger, render, serve, worker

    commands = {"check": check.run, "render": render.run, "bag": bag.run, "serve": serve.run, "user": accounts.user,
                "token": accounts.token, "audit": accounts.audit, "backup": backup.backup, "restore": backup.restore,
                "worker": worker.run, "ledger": ledger.run, "keys": keys.run}
    try:
        return commands[args.command](args)
    except BrokenPipeError:  # `jiugai check … | head`: the reader left; that is no error of ours
        import os
        import sys

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
