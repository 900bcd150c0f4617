"""Benchmark of `render` (issue 3): median in-process time per document and format, beside the raw
libraries in the same run — docxtpl (load, render, save of the same template) and reportlab
(build of the same story, without the PDF/A pass) — and, for PDFs, the same document rendered and
signed (PAdES, issue 14) beside the unsigned render, with what signing adds to a batch of the
93 communities' three PDFs. Signs with JIUGAI_SIGNING_KEY if set, else with trial keys made for
the run. Run: make bench
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import SimpleDocTemplate  # noqa: E402

from service.adapters.reader import open_package  # noqa: E402
from service.config import Settings  # noqa: E402
from service.documents import render, sign  # noqa: E402
from service.domain.documents import document_number, kinds  # noqa: E402
from service.domain.documents.common import Issue  # noqa: E402
from service.domain.ruleset import choose  # noqa: E402
from service.render.fonts import SERIF, chain  # noqa: E402
from service.render.layouts import LAYOUTS  # noqa: E402
from service.resources import templates  # noqa: E402
from service.services import checker  # noqa: E402
from timing import median_time  # noqa: E402

CASES = {"notice": "declaration", "acceptance-certificate": "acceptance", "handover-record": "handover",
         "subsidy-statement": "acceptance"}
COMMUNITIES = 93


def raw_story(layout, ctx) -> list:
    """The layout as plain reportlab Paragraphs (one font, reportlab's CJK wrapping): what the
    library does alone, to compare our grid placement and keeps with."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table as RLTable

    from service.render.layouts import Heading, Loop, Para, Signature, Table, Title
    from service.render.pdf_story import text_of

    style = ParagraphStyle("raw", fontName=SERIF, fontSize=16, leading=28.95, wordWrap="CJK")
    flow = []
    for block in layout:
        if isinstance(block, (Title, Heading, Para)):
            flow.append(Paragraph(escape(text_of(block.text, ctx)), style))
        elif isinstance(block, Loop):
            flow += [Paragraph(escape(text_of(block.body.lead + block.body.text, {**ctx, block.var: i})), style) for i in ctx[block.items]]
        elif isinstance(block, Table):
            cell = ParagraphStyle("cell", fontName=SERIF, fontSize=block.font_pt, leading=block.font_pt * 1.35, wordWrap="CJK")
            rows = [[Paragraph(escape(text_of(c.cell, {**ctx, block.var: r})), cell) for c in block.columns] for r in ctx[block.rows]]
            flow.append(RLTable(rows, colWidths=[c.width_mm * 72 / 25.4 for c in block.columns], repeatRows=0))
        elif isinstance(block, Signature):
            flow += [Paragraph(escape(text_of(line, ctx)), style) for line in block.lines]
    return flow




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
    print(f"{'document':24} {'fmt':5} {'jiugai ms':>10} {'raw ms':>8} {'ratio':>6}")
    for kind_name, stage in CASES.items():
        with open_package(ROOT / "fixtures" / "examples" / stage) as package:
            report = c.check(package)
            kind = kinds()[kind_name]
            ctx = kind.context(package.data, report, choose(c.rulesets, 2020), Issue(document_number(kind, package.sha256), "http://127.0.0.1:8000"))
            template = templates() / f"{kind_name}.docx"

            def raw_docx():
                tpl = DocxTemplate(str(template))
                tpl.render(ctx, autoescape=True)
                tpl.save(io.BytesIO())

            def raw_pdf():
                # reportlab's own Paragraphs and Tables, the same texts, no grid placement, no PDF/A pass
                doc = SimpleDocTemplate(io.BytesIO(), pagesize=A4, invariant=1, initialFontName=SERIF)
                doc.build(raw_story(LAYOUTS[kind_name], ctx))

            for fmt, raw in (("docx", raw_docx), ("pdf", raw_pdf)):
                ours = median_time(lambda: render(kind_name, fmt, package, report, c))
                base = median_time(raw)
                print(f"{kind_name:24} {fmt:5} {ours * 1000:10.1f} {base * 1000:8.1f} {ours / base:6.2f}")
                if fmt == "pdf":
                    signed = median_time(lambda: sign(render(kind_name, fmt, package, report, c), key))
                    added.append(signed - ours)
                    print(f"{kind_name:24} {'pdf+s':5} {signed * 1000:10.1f} {'':8} {signed / ours:6.2f}"
                          f"   signed vs unsigned: +{(signed - ours) * 1000:.1f} ms")
    per_document = sum(added) / len(added)
    print(f"signing adds {per_document * 1000:.1f} ms per PDF on average; a batch of the {COMMUNITIES} communities' "
          f"{COMMUNITIES * len(CASES)} PDFs: +{per_document * COMMUNITIES * len(CASES):.1f} s on one core")


if __name__ == "__main__":
    main()
