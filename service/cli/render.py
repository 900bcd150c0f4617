"""`jiugai render`: a document from a package."""
from __future__ import annotations

import sys

from service.cli.common import EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID, Msg, N_, fail, render_msg, render_text

# The command line has no archive registry: what lists archival codes is a draft.
DRAFT = N_("this is a draft: its archival codes are provisional (件号 待编) until the service accepts the handover, "
           "and /verify does not know it")


EXIT_UNRENDERABLE = 3  # the package is fine but no font can draw one of its characters


def run(args) -> int:
    """Write one document; exit 0 written, 1 blocked (reasons on stderr, nothing written), 2 unreadable, 3 a character
    no font draws."""
    import os
    from pathlib import Path

    from service.adapters.files import atomic_write
    from service.adapters.reader import PackageError, open_package
    from service.config import Settings
    from service.documents import Blocked, render, sign
    from service.render.fonts import MissingGlyph
    from service.services import checker
    from service.signing.keys import SigningKeyError, load

    out = Path(args.output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        fail(render_text(N_("the output must end in .docx or .pdf, not “{name}”"), args.lang, name=out.name))
        return EXIT_UNREADABLE
    if not out.parent.is_dir():
        fail(render_text(N_("the folder {folder} does not exist"), args.lang, folder=str(out.parent)))
        return EXIT_UNREADABLE
    if not os.environ.get("JIUGAI_PUBLIC_URL"):
        fail(render_text(N_("JIUGAI_PUBLIC_URL is not set: the QR code will point at {url}, which only this computer can open"),
                          args.lang, url=Settings.from_env().public_url))
    try:
        key = None if fmt != "pdf" or getattr(args, "no_sign", False) else load(Settings.from_env())
    except SigningKeyError as exc:
        fail(render_text(N_("the document cannot be signed: {reason} (or use --no-sign)"), args.lang, reason=str(exc)))
        return EXIT_UNREADABLE
    try:
        with open_package(args.package) as package:
            report = checker().check(package)
            document = render(args.document, fmt, package, report, checker())
    except PackageError as exc:
        fail(render_msg(exc.message, args.lang))
        return EXIT_UNREADABLE
    except Blocked as exc:
        from service.domain.documents import NAMES

        fail(render_text(N_("the {document} cannot be issued from this package:"), args.lang, document=Msg(NAMES[args.document])))
        for f in exc.findings:
            print(f"  {f.rule} {f.path or '/'} [{f.clause}] {render_msg(f.message, args.lang)}", file=sys.stderr)
        return EXIT_INVALID
    except MissingGlyph as exc:
        fail(render_text(N_("no font can draw the character {char} (U+{code}): add a font that has it to JIUGAI_PDF_FALLBACK_FONTS"),
                          args.lang, char=exc.char, code=f"{ord(exc.char):04X}"))
        return EXIT_UNRENDERABLE
    document = sign(document, key)
    atomic_write(out, document.data, as_umask=True)
    signed = render_text(N_("signed by {signer}"), args.lang, signer=key.name) if document.signed else ""
    print(f"{out}  {document.number}" + (f"  {signed}" if signed else ""))
    if "-DRAFT-" in document.number:
        fail(render_text(DRAFT, args.lang))
    return EXIT_VALID
