"""Draw a document's layout as a PDF with reportlab, on a GB/T 9704 page, then make it PDF/A-1b."""
from __future__ import annotations

import io
import re
from datetime import date

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from service.render import gbt9704 as g
from service.render import pdfa
from service.render.fonts import FANGSONG, FontChain, chain
from service.render.layouts import Block
from service.render.pdf_story import story

__all__ = ["render", "story"]

def _configure_reportlab() -> None:
    from reportlab import rl_config

    from service.render import cjkwrap, ttfsubset

    cjkwrap.install()
    ttfsubset.install()
    rl_config.useA85 = 0  # binary Flate streams: smaller and faster than ASCII85 on top


def _decorate(ctx: dict):
    def on_page(canvas, doc) -> None:
        page = canvas.getPageNumber()
        text = f"— {page} —"
        canvas.setFont(FANGSONG, g.PAGE_NUMBER_PT)
        y = (g.BOTTOM_MM - g.PAGE_NUMBER_GAP_MM) * mm - g.PAGE_NUMBER_PT
        if page % 2:  # odd pages right, even pages left, one character in from the type area
            canvas.drawRightString((210 - g.RIGHT_MM) * mm - g.PAGE_NUMBER_PT, y, text)
        else:
            canvas.drawString(g.LEFT_MM * mm + g.PAGE_NUMBER_PT, y, text)
        canvas.setFont(FANGSONG, g.PROVENANCE_PT)
        canvas.drawCentredString(105 * mm, 10 * mm, ctx["provenance"])
        if page == 1:
            _qr(canvas, ctx["verify_url"], g.LEFT_MM * mm, 5 * mm, 18 * mm)
    return on_page


_DARK = re.compile(rb"[^\x00]+")  # a run of dark modules in a row of segno's matrix (0 light, 1 dark)


def _qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code drawn as one path of filled squares (reportlab's widget would add a Helvetica font)."""
    # A fixed mask pattern: any of the eight is valid, and scoring all eight costs more than the rest of the page.
    code = segno.make_qr(text, error="m", boost_error=False, mask=4)
    border = 4  # the quiet zone ISO/IEC 18004 asks for: four modules, left blank
    count = len(code.matrix) + 2 * border
    box = size / count
    # One rectangle per run of dark modules, the runs found by regex on segno's rows. The path is
    # written as reportlab's path.rect() writes it ("x y w h re", each number by fp_str), from
    # coordinates formatted once per column, row and run length rather than four per rectangle:
    # the same operators at a third of the cost.
    columns = [fp_str(x + c * box) for c in range(count)]
    lengths: dict[int, str] = {}
    side = fp_str(box)
    ops = ["n"]  # what reportlab's path object writes before its first shape
    for r, row in enumerate(code.matrix, start=border):
        top = fp_str(y + size - (r + 1) * box)
        for run in _DARK.finditer(row):
            n = run.end() - run.start()
            width = lengths.get(n) or lengths.setdefault(n, fp_str(n * box))
            ops.append(f"{columns[run.start() + border]} {top} {width} {side} re")
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(PDFPathObject(ops), stroke=0, fill=1)
    canvas.restoreState()


def render(layout: tuple[Block, ...], ctx: dict, issued: date, title: str, fonts: FontChain | None = None,
           marks: dict | None = None) -> bytes:
    """The document as PDF/A-1b bytes; the same context and date always give the same bytes.
    Its author (Info and dc:creator) is the issuing unit, `ctx["unit"]`."""
    _configure_reportlab()
    fonts = fonts or chain()
    author = ctx.get("unit") or "jiugai"
    flow = story(layout, ctx, fonts, marks)
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=g.LEFT_MM * mm, rightMargin=g.RIGHT_MM * mm,
                          topMargin=g.TOP_MM * mm, bottomMargin=g.BOTTOM_MM * mm, title=title, author=author,
                          subject=ctx.get("doc_number", ""), creator="jiugai", invariant=1,
                          initialFontName=FANGSONG, initialFontSize=g.BODY_PT, initialLeading=g.BODY_LEADING)
    frame = Frame(g.LEFT_MM * mm, g.BOTTOM_MM * mm, (210 - g.LEFT_MM - g.RIGHT_MM) * mm, (297 - g.TOP_MM - g.BOTTOM_MM) * mm,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="type-area")
    doc.addPageTemplates([PageTemplate(id="gbt9704", frames=[frame], onPage=_decorate(ctx))])
    with pdfa.noting_subsets() as noted:
        doc.build(flow)
    return pdfa.convert(out.getvalue(), title=title, subject=ctx.get("doc_number", ""), issued=issued, author=author,
                        noted=noted)
