"""`make samples`: every document of the examples and valid fixtures, to look at before printing.

Writes DOCX, PDF and a PNG of each PDF page into the folder given (default var/samples/).
"""
from __future__ import annotations

import sys
from pathlib import Path

from service.adapters.reader import open_package
from service.documents import Blocked, render
from service.domain.documents import kinds
from service.render.fonts import MissingGlyph
from service.resources import data_dir
from service.services import checker


def main(argv: list[str]) -> int:
    """Render the samples; print one line per file written or refused."""
    import pypdfium2

    out = Path(argv[0] if argv else "var/samples")
    out.mkdir(parents=True, exist_ok=True)
    fixtures = data_dir("schemas").parent / "fixtures"
    written = 0
    for folder in sorted(p.parent for p in fixtures.glob("*/*/package.json")):
        with open_package(folder) as package:
            report = checker().check(package)
            for kind in kinds().values():
                if kind.stage != package.stage:
                    continue
                name = f"{folder.parent.name}-{folder.name}-{kind.kind}"
                for fmt in ("docx", "pdf"):
                    try:
                        document = render(kind.kind, fmt, package, report, checker())
                    except Blocked as exc:
                        print(f"refused {name}: {', '.join(sorted({f.rule for f in exc.findings}))}")
                        break
                    except MissingGlyph as exc:
                        print(f"refused {name}.{fmt}: {exc}")
                        continue
                    (out / f"{name}.{fmt}").write_bytes(document.data)
                    written += 1
                    if fmt == "pdf":
                        for n, page in enumerate(pypdfium2.PdfDocument(document.data), start=1):
                            page.render(scale=1.5).to_pil().save(out / f"{name}-page{n}.png")
    print(f"{written} documents written to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
