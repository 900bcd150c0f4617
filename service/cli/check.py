"""`jiugai check`: the report of a package."""
from __future__ import annotations

import json
import sys

from service.cli.common import EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID, fail, render_msg


def _default(value):
    return str(value)


def run(args) -> int:
    """Print the report of one package; exit 0 valid, 1 not valid, 2 unreadable."""
    from service.adapters.reader import PackageError, open_package
    from service.report import to_dict, to_text
    from service.services import checker

    try:
        with open_package(args.package) as package:
            report = checker().check(package)
    except PackageError as exc:
        fail(render_msg(exc.message, args.lang))
        return EXIT_UNREADABLE
    if args.format == "json":
        json.dump(to_dict(report, args.lang), sys.stdout, ensure_ascii=False, indent=2, default=_default)
        sys.stdout.write("\n")
    else:
        print(to_text(report, args.lang))
    return EXIT_VALID if report.valid else EXIT_INVALID
