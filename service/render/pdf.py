"""Draw a document's layout as a PDF with reportlab, on a GB/T 9704 page, then make it PDF/A-1b."""
from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from xml.sax.saxutils import escape

from jinja2 import Environment, StrictUndefined
import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table as RLTable, TableStyle

from service.render import gbt9704 as g
from service.render import pdfa
from service.render.fonts import SANS, SERIF, FontChain, chain
from service.render.layouts import Block, Heading, Loop, Para, Signature, Table, Title

_ENV = Environment(autoescape=False, undefined=StrictUndefined)
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def _configure_reportlab() -> None:
    from reportlab import rl_config

    from service.render import cjkwrap

    cjkwrap.install()
    rl_config.useA85 = 0  # binary Flate streams: smaller and faster than ASCII85 on top


def _style(name: str, font: str, size: float, leading: float, align=TA_JUSTIFY, indent: bool = False, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, alignment=align,
                          firstLineIndent=size * 2 if indent else 0, wordWrap="CJK", **kw)


STYLES = {
    "title": _style("title", SERIF, g.TITLE_PT, g.TITLE_LEADING, TA_CENTER, spaceAfter=g.BODY_LEADING),
    "h1": _style("h1", SANS, g.BODY_PT, g.BODY_LEADING, indent=True),
    "h2": _style("h2", SERIF, g.BODY_PT, g.BODY_LEADING, indent=True),
    "body": _style("body", SERIF, g.BODY_PT, g.BODY_LEADING, indent=True),
    "flush": _style("flush", SERIF, g.BODY_PT, g.BODY_LEADING),
    "signature": _style("signature", SERIF, g.BODY_PT, g.BODY_LEADING, TA_RIGHT),
}


@lru_cache(maxsize=512)
def _expression(text: str):
    return _ENV.from_string(text)


def _text(expression: str, ctx: dict) -> str:
    """A layout text filled with the context (each expression compiled once per process)."""
    return _expression(expression).render(ctx)


def _markup(text: str, fonts: FontChain, preferred: str) -> str:
    """Paragraph markup: escaped text, with each run a fallback font must draw wrapped in <font>."""
    out = []
    for font, run in fonts.runs(text, preferred):
        piece = escape(run).replace("\n", "<br/>")
        out.append(piece if font == preferred else f'<font name="{font}">{piece}</font>')
    return "".join(out)


def _table(block: Table, ctx: dict, fonts: FontChain) -> RLTable:
    size = block.font_pt
    cell_styles = {a: _style(f"cell-{a}-{size}", SERIF, size, size * 1.35, _ALIGN[a]) for a in _ALIGN}
    head_style = _style(f"head-{size}", SANS, size, size * 1.35, TA_CENTER)
    data = []
    if any(c.header for c in block.columns):
        data.append([Paragraph(_markup(c.header, fonts, SANS), head_style) for c in block.columns])
    for row in ctx[block.rows]:
        local = {**ctx, block.var: row}
        cells = []
        for col in block.columns:
            para = Paragraph(_markup(_text(col.cell, local), fonts, SERIF), cell_styles[col.align])
            cells.append([para, Spacer(1, block.row_height_mm * mm)] if block.row_height_mm and not col.cell else para)
        data.append(cells)
    table = RLTable(data, colWidths=[c.width_mm * mm for c in block.columns], repeatRows=1 if data and block.columns[0].header else 0)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),  # no stray Helvetica: PDF/A embeds every font
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), size / 4), ("RIGHTPADDING", (0, 0), (-1, -1), size / 4),
    ]))
    return table


class _Mark(Flowable):
    """Notes where the closing block ends (page, height) for the signature field; it has no size
    and draws nothing, not even a save/restore, so the page's bytes are what they were without it."""

    def __init__(self, marks: dict):
        super().__init__()
        self.marks = marks

    def wrap(self, available_width, available_height):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        self.marks["closing"] = (canvas.getPageNumber() - 1, y)


def story(layout: tuple[Block, ...], ctx: dict, fonts: FontChain, marks: dict | None = None) -> list:
    """The flowables of a layout filled with a context; `marks` receives where the closing block ends."""
    flow: list = []

    def para(text: str, style: str) -> None:
        font = STYLES[style].fontName
        flow.append(Paragraph(_markup(text, fonts, font), STYLES[style]))

    for block in layout:
        if isinstance(block, Title):
            para(_text(block.text, ctx), "title")
        elif isinstance(block, Heading):
            para(_text(block.text, ctx), f"h{block.level}")
        elif isinstance(block, Para):
            para(_text(block.text, ctx), "body" if block.indent else "flush")
        elif isinstance(block, Loop):
            for item in ctx[block.items]:
                para(_text(block.body.text, {**ctx, block.var: item}), "body")
        elif isinstance(block, Table):
            flow += [Spacer(1, 6), _table(block, ctx, fonts), Spacer(1, 6)]
        elif isinstance(block, Signature):
            flow.append(Spacer(1, g.BODY_LEADING))
            for line in block.lines:
                para(_text(line, ctx), "signature")
            if marks is not None:
                flow.append(_Mark(marks))
    return flow


def _decorate(ctx: dict):
    def on_page(canvas, doc) -> None:
        page = canvas.getPageNumber()
        text = f"— {page} —"
        canvas.setFont(SERIF, g.PAGE_NUMBER_PT)
        y = (g.BOTTOM_MM - g.PAGE_NUMBER_GAP_MM) * mm - g.PAGE_NUMBER_PT
        if page % 2:  # odd pages right, even pages left, one character in from the type area
            canvas.drawRightString((210 - g.RIGHT_MM) * mm - g.PAGE_NUMBER_PT, y, text)
        else:
            canvas.drawString(g.LEFT_MM * mm + g.PAGE_NUMBER_PT, y, text)
        canvas.setFont(SERIF, g.PROVENANCE_PT)
        canvas.drawCentredString(105 * mm, 10 * mm, ctx["provenance"])
        if page == 1:
            _qr(canvas, ctx["verify_url"], g.LEFT_MM * mm, 5 * mm, 18 * mm)
    return on_page


def _qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code drawn as one path of filled squares (reportlab's widget would add a Helvetica font)."""
    # A fixed mask pattern: any of the eight is valid, and scoring all eight costs more than the rest of the page.
    code = segno.make_qr(text, error="m", boost_error=False, mask=4)
    border = 2
    rows = list(code.matrix_iter(border=border))
    box = size / len(rows)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):  # one rectangle per run of dark modules
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + start * box, y + size - (r + 1) * box, (c - start) * box, box)
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def render(layout: tuple[Block, ...], ctx: dict, issued: date, title: str, fonts: FontChain | None = None,
           marks: dict | None = None) -> bytes:
    """The document as PDF/A-1b bytes; the same context and date always give the same bytes.

    `marks`, if given, receives "closing": (0-based page, y in points) where the closing block ends."""
    _configure_reportlab()
    fonts = fonts or chain()
    flow = story(layout, ctx, fonts, marks)
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=g.LEFT_MM * mm, rightMargin=g.RIGHT_MM * mm,
                          topMargin=g.TOP_MM * mm, bottomMargin=g.BOTTOM_MM * mm, title=title, author="jiugai",
                          subject=ctx.get("doc_number", ""), creator="jiugai", invariant=1,
                          initialFontName=SERIF, initialFontSize=g.BODY_PT, initialLeading=g.BODY_LEADING)
    frame = Frame(g.LEFT_MM * mm, g.BOTTOM_MM * mm, (210 - g.LEFT_MM - g.RIGHT_MM) * mm, (297 - g.TOP_MM - g.BOTTOM_MM) * mm,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="type-area")
    doc.addPageTemplates([PageTemplate(id="gbt9704", frames=[frame], onPage=_decorate(ctx))])
    doc.build(flow)
    return pdfa.convert(out.getvalue(), title=title, subject=ctx.get("doc_number", ""), issued=issued)
