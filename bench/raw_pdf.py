"""The PDF baselines of bench/render.py: a layout built with reportlab alone, and our render with
the grid taken out (to price grid placement).

`faces_story` is the baseline the 1.3× goal is measured against: the same texts in the same faces
by role as service/render/pdf_story.py (title JG-Serif, 一、 headings and table headers JG-Sans,
（一） headings and run-in leads JG-Kai, body, cells and closing lines JG-Fangsong), so the PDF
embeds the same four subsets — most of a document's time is subsetting and compressing fonts, which
the document must do whatever lays it out. What it leaves out is what our code adds: the grid, the
keeps, the page decorations (page numbers, provenance line, QR code) and the PDF/A pass.
`one_font_story` is the older baseline (every text in JG-Serif, one subset), kept for reference.
"""
from __future__ import annotations

from contextlib import contextmanager
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table as RLTable, TableStyle

from service.render import gbt9704 as g
from service.render import pdf_story
from service.render.fonts import FANGSONG, KAI, SANS, SERIF
from service.render.layouts import Heading, Loop, Para, Sides, Signature, Table, Title
from service.render.pdf_story import text_of


def _style(font: str, size: float = g.BODY_PT, leading: float = g.BODY_LEADING) -> ParagraphStyle:
    return ParagraphStyle(f"raw-{font}-{size}", fontName=font, fontSize=size, leading=leading, wordWrap="CJK")


def _para(text: str, style: ParagraphStyle, lead: str = "") -> Paragraph:
    head = f'<font name="{KAI}">{escape(lead)}</font>' if lead else ""
    return Paragraph(head + escape(text), style)


def _grid_table(data: list, widths: list[float]) -> RLTable:
    # the same ruling and cell padding as our tables: part of what the document looks like
    table = RLTable(data, colWidths=widths)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FANGSONG), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), pdf_story.CELL_PAD_TB),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), pdf_story.CELL_PAD_TB),
                               ("LEFTPADDING", (0, 0), (-1, -1), pdf_story.CELL_PAD_LR),
                               ("RIGHTPADDING", (0, 0), (-1, -1), pdf_story.CELL_PAD_LR)]))
    return table


def faces_story(layout, ctx) -> list:
    """The layout as reportlab Paragraphs and Tables in the document's faces by role (CJK wrapping)."""
    body, flow = _style(FANGSONG), []
    for block in layout:
        if isinstance(block, Title):
            title = _style(SERIF, g.TITLE_PT, g.TITLE_LEADING)
            title.spaceAfter = g.BODY_LEADING  # the blank line under the title, as ours
            flow.append(_para(text_of(block.text, ctx), title))
        elif isinstance(block, Heading):
            flow.append(_para(text_of(block.text, ctx), _style(SANS if block.level == 1 else KAI)))
        elif isinstance(block, Para):
            flow.append(_para(text_of(block.text, ctx), body, text_of(block.lead, ctx)))
        elif isinstance(block, Loop):
            for item in ctx[block.items]:
                local = {**ctx, block.var: item}
                flow.append(_para(text_of(block.body.text, local), body, text_of(block.body.lead, local)))
        elif isinstance(block, Table):
            size = block.font_pt
            cell, head = _style(FANGSONG, size, size * 1.35), _style(SANS, size, size * 1.35)
            rows = [[_para(c.header, head) for c in block.columns]] if any(c.header for c in block.columns) else []
            rows += [[_para(text_of(c.cell, {**ctx, block.var: r}), cell) for c in block.columns] for r in ctx[block.rows]]
            flow.append(_grid_table(rows, [c.width_mm * mm for c in block.columns]))
        elif isinstance(block, Sides):
            flow.append(Spacer(1, g.BODY_LEADING))
            rows = [[_para(text_of(a, ctx), body), _para(text_of(b, ctx), body)] for a, b in zip(block.left, block.right)]
            table = RLTable(rows, colWidths=[78 * mm, 78 * mm])
            table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FANGSONG)]))  # else a Helvetica subset
            flow.append(table)
        elif isinstance(block, Signature):
            flow.append(Spacer(1, pdf_story.SEAL_GAP_LINES * g.BODY_LEADING))  # the seal's room, as ours
            flow += [_para(text_of(line, ctx), body) for line in block.lines]
    return flow


def one_font_story(layout, ctx) -> list:
    """The older baseline: every text in JG-Serif (one font subset where the document embeds four)."""
    style = _style(SERIF, 16, 28.95)
    flow = []
    for block in layout:
        if isinstance(block, (Title, Heading, Para)):
            flow.append(Paragraph(escape(text_of(block.text, ctx)), style))
        elif isinstance(block, Loop):
            flow += [Paragraph(escape(text_of(block.body.lead + block.body.text, {**ctx, block.var: i})), style) for i in ctx[block.items]]
        elif isinstance(block, Table):
            cell = _style(SERIF, block.font_pt, block.font_pt * 1.35)
            rows = [[Paragraph(escape(text_of(c.cell, {**ctx, block.var: r})), cell) for c in block.columns] for r in ctx[block.rows]]
            flow.append(RLTable(rows, colWidths=[c.width_mm * 72 / 25.4 for c in block.columns], repeatRows=0))
        elif isinstance(block, Signature):
            flow += [Paragraph(escape(text_of(line, ctx)), style) for line in block.lines]
    return flow


class _PlainParagraph(Paragraph):
    """A GridParagraph's stand-in (same constructor): reportlab's Paragraph, CJK wrapping on natural
    widths, with the two methods the closing block's keep asks of it; it keeps whole (cut moves all
    of it), as close as a Paragraph gets to moving the last two lines."""

    def __init__(self, runs, size, leading, *, align="justify", indent_chars=0, grid=True, bold=False,
                 space_after=0, right_chars=0, lines=None, tight=None, key=None):
        # tight, key: the closing page's tightening (grid.Tightening) is the grid's own, not priced here
        font = runs[0][0] if runs else FANGSONG
        markup = "".join(escape(text).replace("\n", "<br/>") if f == font else f'<font name="{f}">{escape(text)}</font>'
                         for f, text in runs)
        alignment = {"justify": 4, "center": 1, "right": 2}.get(align, 0)
        super().__init__(markup, ParagraphStyle(f"plain-{font}-{size}", fontName=font, fontSize=size, leading=leading,
                                                wordWrap="CJK", firstLineIndent=indent_chars * size,
                                                spaceAfter=space_after, alignment=alignment))

    def cut(self, keep: int):
        return None, self

    def line_count(self) -> int:
        return 1


@contextmanager
def without_grid():
    """Our render with every GridParagraph built as a reportlab Paragraph (keeps, decorations, QR
    and PDF/A as they are): the difference to our render is what grid placement costs."""
    saved = pdf_story.GridParagraph
    pdf_story.GridParagraph = _PlainParagraph
    try:
        yield
    finally:
        pdf_story.GridParagraph = saved
