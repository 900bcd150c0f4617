"""The `jiugai` command line (interfaces.md): check, and more as the service grows."""
from __future__ import annotations

import argparse
import json
import sys

from service.domain.findings import Msg, N_
from service.i18n import LANGUAGES
from service.i18n import render as render_msg


def render_text(msgid: str, lang: str, **params) -> str:
    """A catalogue message in `lang` with its parameters."""
    return render_msg(Msg(msgid, params), lang)

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiugai", description="旧改 — renovation packages: check, render, bag, serve")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check a package (.zip, folder or package.json)")
    check.add_argument("package")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=tuple(LANGUAGES), default="zh")
    render = sub.add_parser("render", help="fill a document from a package (.docx or .pdf by the suffix of -o)")
    render.add_argument("document", choices=("notice", "acceptance-certificate", "handover-record"))
    render.add_argument("package")
    render.add_argument("-o", "--output", required=True)
    render.add_argument("--lang", choices=tuple(LANGUAGES), default="zh")
    bag = sub.add_parser("bag", help="build the archive handover bundle (BagIt) of a project's packages")
    bag.add_argument("packages", nargs="+")
    bag.add_argument("-o", "--output", required=True)
    bag.add_argument("--lang", choices=tuple(LANGUAGES), default="zh")
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
        _fail(render_msg(exc.message, args.lang))
        return EXIT_UNREADABLE
    if args.format == "json":
        json.dump(to_dict(report, args.lang), sys.stdout, ensure_ascii=False, indent=2, default=_default)
        sys.stdout.write("\n")
    else:
        print(to_text(report, args.lang))
    return EXIT_VALID if report.valid else EXIT_INVALID


def _fail(message: str) -> None:
    print(f"jiugai: {message}", file=sys.stderr)


def cmd_render(args) -> int:
    """Write one document; exit 0 written, 1 blocked (reasons on stderr, nothing written), 2 unreadable."""
    from pathlib import Path

    from service.adapters.files import atomic_write
    from service.adapters.reader import PackageError, open_package
    from service.documents import Blocked, render
    from service.render.fonts import MissingGlyph
    from service.services import checker

    out = Path(args.output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        _fail(render_text(N_("the output must end in .docx or .pdf, not “{name}”"), args.lang, name=out.name))
        return EXIT_UNREADABLE
    if not out.parent.is_dir():
        _fail(render_text(N_("the folder {folder} does not exist"), args.lang, folder=str(out.parent)))
        return EXIT_UNREADABLE
    try:
        with open_package(args.package) as package:
            report = checker().check(package)
            document = render(args.document, fmt, package, report, checker())
    except PackageError as exc:
        _fail(render_msg(exc.message, args.lang))
        return EXIT_UNREADABLE
    except Blocked as exc:
        from service.domain.documents import NAMES

        _fail(render_text(N_("the {document} cannot be issued from this package:"), args.lang, document=Msg(NAMES[args.document])))
        for f in exc.findings:
            print(f"  {f.rule} {f.path or '/'} [{f.clause}] {render_msg(f.message, args.lang)}", file=sys.stderr)
        return EXIT_INVALID
    except MissingGlyph as exc:
        _fail(render_text(N_("no font can draw the character {char} (U+{code}): add a font that has it to JIUGAI_PDF_FALLBACK_FONTS"),
                          args.lang, char=exc.char, code=f"{ord(exc.char):04X}"))
        return EXIT_INVALID
    atomic_write(out, document.data)
    print(f"{out}  {document.number}")
    return EXIT_VALID


def cmd_bag(args) -> int:
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
        _fail(render_text(N_("the output must be a .zip in an existing folder, not “{name}”"), args.lang, name=str(out)))
        return EXIT_UNREADABLE
    try:
        with contextlib.ExitStack() as stack:
            packages = [stack.enter_context(open_package(p)) for p in args.packages]
            bundle = build([(p, checker().check(p)) for p in packages], checker())
    except PackageError as exc:
        _fail(render_msg(exc.message, args.lang))
        return EXIT_UNREADABLE
    except BagRefused as exc:
        _fail(render_text(N_("the packages do not make a complete, valid project:"), args.lang))
        for reason in exc.reasons:
            print(f"  {render_msg(reason, args.lang)}", file=sys.stderr)
        return EXIT_INVALID
    except MissingGlyph as exc:
        _fail(str(exc))
        return EXIT_INVALID
    atomic_write(out, bundle.data)
    print(f"{out}  sha256 {bundle.sha256}")
    return EXIT_VALID


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jiugai` console script."""
    args = _parser().parse_args(argv)
    return {"check": cmd_check, "render": cmd_render, "bag": cmd_bag}[args.command](args)
