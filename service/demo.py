"""`make run`: the service on the embedded default (SQLite and files in ./var) with demo data.

The first run creates a user of every role, printing their one-time passwords and tokens, and
submits the fixture packages and the whole 93-community programme (JIUGAI_DEMO_PROGRAMME=0 skips
it); every run then starts the server on http://127.0.0.1:8000/.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys

from sqlalchemy import func, select

from service.security.accounts import add_user, create_token
from service.adapters.files import zip_folder
from service.config import Settings
from service.db import models as m
from service.runtime import Runtime
from service.usecases.submissions import submit

USERS = (("chaohui", "street", "朝晖街道"), ("chaoming", "street", "潮鸣街道"), ("shiqiao", "street", "石桥街道"),
         ("clerk", "clerk", None), ("archivist", "archivist", None), ("admin", "admin", None))
# The archive has received the handovers of these plan years; the 2022 projects' are still on their way.
RECEIVED_YEARS = frozenset({2019, 2020, 2021})


def submit_fixtures(rt: Runtime) -> list[str]:
    """Submit the demo's fixture packages (plan.DEMO_PACKAGES), declarations first; the district approves every
    accepted declaration with its budget before any acceptance (PROJECT-APPROVED)."""
    from service.security.accounts import Principal
    from service.usecases.handover import approve, receipt
    from service.programme.plan import DEMO_PACKAGES, fixtures_dir

    fixtures, lines = fixtures_dir(), []
    with rt.reading() as s:
        users = {u.name: Principal(u.id, u.name, u.role, u.street) for u in s.scalars(select(m.User))}
    upload = rt.settings.data_dir / "demo-upload.zip"
    present = [(f, u) for f, u in DEMO_PACKAGES if (fixtures / f / "package.json").is_file()]
    order = sorted(present, key=lambda fu: fu[0].split("/")[-1] != "declaration" and not fu[0].startswith("declaration/"))
    handovers = []
    for folder, name in order:
        upload.write_bytes(zip_folder(fixtures / folder))
        stored = submit(rt, users[name], upload)
        lines.append(f"  package {stored.row.id}: {folder} — {stored.row.status}")
        if stored.row.status == "accepted" and stored.row.stage == "declaration":
            approve(rt, users["clerk"], stored.row.id, {"approved": True, "approved_budget_yuan": stored.row.budget_yuan,
                                                         "remark": "列入年度改造计划"})
        if stored.row.status == "accepted" and stored.row.stage == "handover" and stored.row.plan_year in RECEIVED_YEARS:
            handovers.append(stored.row)
    upload.unlink(missing_ok=True)
    for row in handovers:
        receipt(rt, users["archivist"], row.project_code, {"receiver": "区档案馆接收人", "date": f"{row.plan_year + 1}-03-15"})
    return lines


def seed(rt: Runtime) -> list[str]:
    """Create the demo users and packages once; return lines to print."""
    lines = []
    from service.signing.keys import init_trial, key_file

    if key_file(rt.settings) is None:  # a demo signs its documents: with trial keys, said to be so
        paths = init_trial(rt.settings.data_dir)
        lines.append(f"  trial signing keys (FOR TRIALS ONLY, not the office's certificate) in {paths['key'].parent}")
    with rt.reading() as s:
        existing = set(s.scalars(select(m.User.name)))
        has_packages = s.scalar(select(func.count()).select_from(m.PackageRow)) > 0
    for name, role, street in USERS:
        if name in existing:
            continue
        password = secrets.token_urlsafe(9)
        principal = add_user(rt, name, role, street, password, actor="demo", one_time=True)
        lines.append(f"  {name:10} {role:10} {street or '':6} password {password}   token {create_token(rt, name, actor='demo')}")
        existing.add(principal.name)
    if not has_packages:
        lines += submit_fixtures(rt)
        if os.environ.get("JIUGAI_DEMO_PROGRAMME", "1") != "0":
            from service.programme.load import load

            accepted = load(rt, receive=RECEIVED_YEARS)
            lines.append(f"  the whole programme: 93 communities of the eight streets (the fixtures' among them), {accepted} more packages accepted")
    return lines


def main(argv: list[str]) -> int:
    """Seed the demo data, then serve."""
    parser = argparse.ArgumentParser(prog="python -m service.demo")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="only create the demo data")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    rt = Runtime.open(settings)
    lines = seed(rt)
    if lines:
        print("Demo data created (the passwords are shown only now):")
        print("\n".join(lines))
    else:
        print(f"Demo data already in {settings.data_dir}; `jiugai token create NAME` makes a new token.")
    rt.engine.dispose()
    if args.no_serve:
        return 0
    from service.cli import serve

    return serve.run(argparse.Namespace(host="127.0.0.1", port=args.port, workers=2, threads=4, access_log=False))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
