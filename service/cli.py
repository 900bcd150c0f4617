"""The `jiugai` command line (interfaces.md): check, and more as the service grows."""
from __future__ import annotations

import argparse
import json
import sys

from service.i18n import LANGUAGES, render

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiugai", description="旧改 — renovation packages: check, render, bag, serve")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check a package (.zip, folder or package.json)")
    check.add_argument("package")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=tuple(LANGUAGES), default="zh")
    return parser


def _default(value):
    return str(value)


def cmd_check(args) -> int:
    """Print the report of one package; exit 0 valid, 1 not valid, 2 unreadable."""
    from service.adapters.reader import PackageError, open_package
    from service.report import to_dict, to_text
    from service.services import checker

    try:
        with open_package(args.package) as package:
            report = checker().check(package)
    except PackageError as exc:
        print(f"jiugai: {render(exc.message, args.lang)}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        json.dump(to_dict(report, args.lang), sys.stdout, ensure_ascii=False, indent=2, default=_default)
        sys.stdout.write("\n")
    else:
        print(to_text(report, args.lang))
    return EXIT_VALID if report.valid else EXIT_INVALID


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jiugai` console script."""
    args = _parser().parse_args(argv)
    return {"check": cmd_check}[args.command](args)
