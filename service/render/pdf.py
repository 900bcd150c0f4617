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
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from service.render import gbt9704 as g
from service.render import office, pdfa
from service.render.fonts import FANGSONG, FontChain, chain
from service.render.grid import Tightening
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
        if getattr(canvas, "layout_only", False):
            return
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


MIN_TIGHT = 0.8  # the tightest leading allowed: 23.2 pt for the 16 pt body, still plainly legible
# Room left free on a tightened page: Word and LibreOffice draw a table row a border's width taller
# than reportlab, so a page tightened to fit exactly here would still turn there.
SLACK = g.BODY_LEADING / 2
_FRAME_H = (297 - g.TOP_MM - g.BOTTOM_MM) * mm


class _LayoutOnly(Canvas):
    """A canvas that lays pages out and writes nothing: the Word document's plan needs only where
    lines fall, not the fonts' subsets and compressed streams."""

    layout_only = True  # flowables that only mark or draw may skip their drawing (grid.GridParagraph)

    def save(self):
        pass


def _run(flow: list, ctx: dict, tight: Tightening, title: str, author: str, write: bool) -> tuple[bytes, set[str]]:
    """One build of the story's flowables (kept for the next: reportlab's own multiBuild way of
    undoing what a build marks on them) into PDF bytes, none when not `write`; with the font
    subsets pdfa must fix."""
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=g.LEFT_MM * mm, rightMargin=g.RIGHT_MM * mm,
                          topMargin=g.TOP_MM * mm, bottomMargin=g.BOTTOM_MM * mm, title=title, author=author,
                          subject=ctx.get("doc_number", ""), creator="jiugai", invariant=1,
                          initialFontName=FANGSONG, initialFontSize=g.BODY_PT, initialLeading=g.BODY_LEADING)
    frame = Frame(g.LEFT_MM * mm, g.BOTTOM_MM * mm, (210 - g.LEFT_MM - g.RIGHT_MM) * mm, _FRAME_H,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="type-area")
    doc.addPageTemplates([PageTemplate(id="gbt9704", frames=[frame], onPage=_decorate(ctx))])
    doc.tight = tight  # tables note their rows per page (pdf_story._Table)
    edits: list = []
    doc._multiBuildEdits = edits.append
    try:
        if not write:
            doc.build(list(flow), canvasmaker=_LayoutOnly)
            return b"", set()
        with pdfa.noting_subsets() as noted:
            doc.build(list(flow))
        return out.getvalue(), noted
    finally:
        for undo, *args in edits:
            undo(*args)


def _laid_out(layout, ctx: dict, fonts: FontChain):
    """The story laid out once, drawing and writing nothing: (flowables, marks, tightening state,
    the page to tighten or None)."""
    marks, tight = {}, Tightening()
    flow = story(layout, ctx, fonts, marks, tight)
    _run(flow, ctx, tight, "", "", write=False)
    return flow, marks, tight, tightening(marks, tight)


def tightening(marks: dict, tight: Tightening) -> Tightening | None:
    """After a first layout: the page to tighten, when the closing block (with the body's last
    lines) went over to a page of its own and fits on the body's last page at a leading of at least
    MIN_TIGHT of the grid's, in the PDF and in the Word file as an office lays it out
    (service.render.office). Only the body's lines shrink; tables, the seal's room and the closing
    block keep theirs."""
    if "body_end" not in marks or "closing_start" not in marks or "closing" not in marks:
        return None
    (page, body_y), (start_page, _y), (end_page, end_y) = marks["body_end"], marks["closing_start"], marks["closing"]
    if start_page != page + 1 or end_page + 1 != start_page:
        return None  # the closing block did not move, or runs over more than one page
    top = g.BOTTOM_MM * mm + _FRAME_H
    used_here, used_there = top - body_y, top - end_y
    lines = tight.drawn.get(page, 0.0) + tight.drawn.get(start_page, 0.0)
    fixed = used_here + used_there - lines
    if lines <= 0:
        return None
    longer = office.extra_lines(tight.paragraphs.get(page, []) + tight.paragraphs.get(start_page, []))
    borders = office.ROW_EXTRA * (tight.rows.get(page, 0) + tight.rows.get(start_page, 0)) + office.SPARE
    for room in (_FRAME_H - SLACK, _FRAME_H):
        factor = (room - fixed) / lines * (1 - 1e-6)
        word = (room - fixed - borders) / (lines + longer * g.BODY_LEADING) * (1 - 1e-6)
        if MIN_TIGHT <= word <= factor < 1:
            return Tightening(page, factor, word)
    return None


def plan(layout: tuple[Block, ...], ctx: dict, fonts: FontChain | None = None) -> dict:
    """What the Word document takes from the PDF's layout, so that both turn their pages alike:
    {"tight": (page, Word's factor), "from": (block, item) of the first body paragraph on that page}
    when a page is tightened, else {}."""
    _configure_reportlab()
    _flow, _marks, tight, better = _laid_out(layout, ctx, fonts or chain())
    if better is None or better.page not in tight.first:
        return {}
    return {"tight": (better.page, better.word), "from": tight.first[better.page]}


def render(layout: tuple[Block, ...], ctx: dict, issued: date, title: str, fonts: FontChain | None = None,
           marks: dict | None = None, plan: dict | None = None) -> bytes:
    """The document as PDF/A-1b bytes; the same context and date always give the same bytes.
    Its author (Info and dc:creator) is the issuing unit, `ctx["unit"]`. `marks` receives where the
    closing block ends; `plan` the tightened page and factor, when one is ("tight": (page, factor)).
    Laid out once without drawing, then built once (twice if a tightened page failed to hold it)."""
    _configure_reportlab()
    author = ctx.get("unit") or "jiugai"
    flow, placed, tight, better = _laid_out(layout, ctx, fonts or chain())
    first = tight.first.get(better.page) if better is not None else None
    if better is not None:
        tight.adopt(better)
        placed.clear()
    data, noted = _run(flow, ctx, tight, title, author, write=True)
    if better is not None and placed.get("closing", (None,))[0] != better.page - 1:
        tight.adopt(Tightening())  # the tightened page did not hold it after all: as laid out first
        placed.clear()
        data, noted = _run(flow, ctx, tight, title, author, write=True)
    elif better is not None and plan is not None and first is not None:
        plan.update({"tight": (better.page, better.factor), "from": first})  # the PDF's factor
    if marks is not None:
        marks.update(placed)
    return pdfa.convert(data, title=title, subject=ctx.get("doc_number", ""), issued=issued, author=author,
                        noted=noted)
