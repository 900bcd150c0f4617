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

from service.accounts import add_user, create_token
from service.adapters.files import zip_folder
from service.config import Settings
from service.db import models as m
from service.resources import data_dir
from service.runtime import Runtime
from service.submissions import submit

USERS = (("chaohui", "street", "朝晖街道"), ("chaoming", "street", "潮鸣街道"), ("shiqiao", "street", "石桥街道"),
         ("clerk", "clerk", None), ("archivist", "archivist", None), ("admin", "admin", None))
# (fixture folder, submitting user); the examples make one project complete up to its handover.
PACKAGES = (("examples/declaration", "chaohui"), ("examples/acceptance", "chaohui"), ("examples/handover", "chaohui"),
            ("declaration/huilongmiaoqian-valid", "chaoming"), ("declaration/tiantangyuan-affordable-valid", "shiqiao"),
            ("declaration/consent-double-two-thirds", "chaohui"), ("declaration/notice-working-days-national-day", "chaohui"))


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
        principal = add_user(rt, name, role, street, password, actor="demo")
        lines.append(f"  {name:10} {role:10} {street or '':6} password {password}   token {create_token(rt, name, actor='demo')}")
        existing.add(principal.name)
    if not has_packages:
        from service.accounts import Principal

        fixtures = data_dir("schemas").parent / "fixtures"
        with rt.reading() as s:
            users = {u.name: Principal(u.id, u.name, u.role, u.street) for u in s.scalars(select(m.User))}
        upload = rt.settings.data_dir / "demo-upload.zip"
        for folder, user in PACKAGES:
            if (fixtures / folder).is_dir():
                upload.write_bytes(zip_folder(fixtures / folder))
                stored = submit(rt, users[user], upload)
                lines.append(f"  package {stored.row.id}: {folder} — {stored.row.status}")
        upload.unlink(missing_ok=True)
        if os.environ.get("JIUGAI_DEMO_PROGRAMME", "1") != "0":
            from service.programme.load import load

            accepted = load(rt)
            lines.append(f"  the whole programme: 93 communities of the eight streets, {accepted} packages accepted")
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
