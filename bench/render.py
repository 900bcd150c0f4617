"""Benchmark of `render` (issue 3): median in-process time per document and format, beside the raw
libraries in the same run — docxtpl (load, render, save of the same template) and reportlab
(build of the same story, without the PDF/A pass) — and, for PDFs, the same document rendered and
signed (PAdES, issue 14) beside the unsigned render, with what signing adds to a batch of the
93 communities' three PDFs. Signs with JIUGAI_SIGNING_KEY if set, else with trial keys made for
the run. Run: make bench

The PDF's raw baseline (issue 11: within 1.3× of it) is the same document built with reportlab
alone: the same texts in the same four faces by role (bench/raw_pdf.py), so both embed the same
font subsets and the ratio measures what our code adds — grid placement, keeps, page numbers and
provenance line, the QR code, the PDF/A pass. Until issue 11 the baseline set every text in one
face, which embeds one subset where the document embeds four; that time is still printed
(`1-font ms`) for reference. `grid ms` is our render less the same render with reportlab's
Paragraph in place of the grid's (keeps, decorations, QR and PDF/A unchanged): what the grid costs.
The raw path runs with the process's reportlab set-up (our 禁则 splitter, glyphs subset in place),
so the ratio leaves out what those change. The contenders of a document are timed round by round
(bench/timing.py), so a busy spell of a shared machine weighs on all of them.
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import SimpleDocTemplate  # noqa: E402

from service.adapters.reader import open_package  # noqa: E402
from service.config import Settings  # noqa: E402
from service.usecases.documents import render, sign  # noqa: E402
from service.domain.documents import document_number, kinds  # noqa: E402
from service.domain.documents.common import Issue  # noqa: E402
from service.domain.ruleset import choose  # noqa: E402
from service.render.fonts import FANGSONG, SERIF, chain  # noqa: E402
from service.render import gbt9704 as g  # noqa: E402
from service.render.layouts import LAYOUTS  # noqa: E402
from service.resources import templates  # noqa: E402
from service.services import checker  # noqa: E402
from raw_pdf import faces_story, one_font_story, without_grid  # noqa: E402
from timing import median_times  # noqa: E402

CASES = {"notice": "declaration", "acceptance-certificate": "acceptance", "handover-record": "handover",
         "subsidy-statement": "acceptance"}
COMMUNITIES = 93
# GB/T 9704's type area, as our render's frame: the raw path fills the same page count
MARGINS = {"leftMargin": g.LEFT_MM * mm, "rightMargin": g.RIGHT_MM * mm, "topMargin": g.TOP_MM * mm,
           "bottomMargin": g.BOTTOM_MM * mm}


def _signing_key():
    import tempfile

    from service.signing import keys

    settings = Settings.from_env()
    if settings.signing_key:
        return keys.load(settings)
    folder = Path(tempfile.mkdtemp(prefix="jiugai-bench-keys-"))
    keys.init_trial(folder)
    return keys.load(Settings(data_dir=folder))


def main() -> None:
    c = checker()
    key = _signing_key()
    added = []
    t0 = time.perf_counter()
    chain()
    print(f"font chain registration (once per process): {(time.perf_counter() - t0) * 1000:.0f} ms")
    print(f"{'document':24} {'fmt':5} {'jiugai ms':>10} {'raw ms':>8} {'ratio':>6} {'1-font ms':>10} {'grid ms':>8}")
    for kind_name, stage in CASES.items():
        with open_package(ROOT / "fixtures" / "examples" / stage) as package:
            report = c.check(package)
            kind = kinds()[kind_name]
            ctx = kind.context(package.data, report, choose(c.rulesets, 2020), Issue(document_number(kind, package.sha256), "http://127.0.0.1:8000"))
            template = templates() / f"{kind_name}.docx"

            # the template's own helpers as plain values: no tightened page (that plan is our work)
            raw_ctx = {**ctx, "tight_at": lambda block, item=0: "", "closing_unit_right": 0}

            def raw_docx():
                tpl = DocxTemplate(str(template))
                tpl.render(raw_ctx, autoescape=True)
                tpl.save(io.BytesIO())

            def raw_build(make_story, font=FANGSONG):
                # reportlab's own Paragraphs and Tables, the same texts, no grid placement, no PDF/A pass
                doc = SimpleDocTemplate(io.BytesIO(), pagesize=A4, invariant=1, initialFontName=font, **MARGINS)
                doc.build(make_story(LAYOUTS[kind_name], ctx))

            def ours_docx():
                return render(kind_name, "docx", package, report, c)

            def ours_pdf():
                return render(kind_name, "pdf", package, report, c)

            def no_grid():
                with without_grid():
                    ours_pdf()

            t = median_times({"ours": ours_docx, "raw": raw_docx})
            print(f"{kind_name:24} {'docx':5} {t['ours'] * 1000:10.1f} {t['raw'] * 1000:8.1f} {t['ours'] / t['raw']:6.2f}")
            t = median_times({"ours": ours_pdf, "raw": lambda: raw_build(faces_story),
                              "one font": lambda: raw_build(one_font_story, SERIF), "no grid": no_grid,
                              "signed": lambda: sign(ours_pdf(), key)})
            print(f"{kind_name:24} {'pdf':5} {t['ours'] * 1000:10.1f} {t['raw'] * 1000:8.1f} {t['ours'] / t['raw']:6.2f} "
                  f"{t['one font'] * 1000:10.1f} {(t['ours'] - t['no grid']) * 1000:8.1f}")
            added.append(t["signed"] - t["ours"])
            print(f"{kind_name:24} {'pdf+s':5} {t['signed'] * 1000:10.1f} {'':8} {t['signed'] / t['ours']:6.2f}"
                  f"   signed vs unsigned: +{(t['signed'] - t['ours']) * 1000:.1f} ms")
    per_document = sum(added) / len(added)
    print(f"signing adds {per_document * 1000:.1f} ms per PDF on average; a batch of the {COMMUNITIES} communities' "
          f"{COMMUNITIES * len(CASES)} PDFs: +{per_document * COMMUNITIES * len(CASES):.1f} s on one core")


if __name__ == "__main__":
    main()
