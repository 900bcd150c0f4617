"""`jiugai bag`: the archive handover bundle of a project."""
from __future__ import annotations

import sys

from service.cli.common import EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID, N_, fail, render_msg, render_text
from service.cli.render import DRAFT


def run(args) -> int:
    """Write the handover bundle; exit 0 written, 1 not a complete valid project (reasons on stderr), 2 unreadable."""
    import contextlib
    from pathlib import Path

    from service.adapters.files import atomic_write
    from service.adapters.reader import PackageError, open_package
    from service.archive.bag import BagRefused, build
    from service.render.fonts import MissingGlyph
    from service.services import checker

    out = Path(args.output)
    if out.suffix.lower() != ".zip" or not out.parent.is_dir():
        fail(render_text(N_("the output must be a .zip in an existing folder, not “{name}”"), args.lang, name=str(out)))
        return EXIT_UNREADABLE
    try:
        with contextlib.ExitStack() as stack:
            packages = [stack.enter_context(open_package(p)) for p in args.packages]
            bundle = build([(p, checker().check(p)) for p in packages], checker())
    except PackageError as exc:
        fail(render_msg(exc.message, args.lang))
        return EXIT_UNREADABLE
    except BagRefused as exc:
        fail(render_text(N_("the packages do not make a complete, valid project:"), args.lang))
        for reason in exc.reasons:
            print(f"  {render_msg(reason, args.lang)}", file=sys.stderr)
        return EXIT_INVALID
    except MissingGlyph as exc:
        fail(str(exc))
        return EXIT_INVALID
    atomic_write(out, bundle.data)
    print(f"{out}  sha256 {bundle.sha256}")
    fail(render_text(DRAFT, args.lang))
    return EXIT_VALID
