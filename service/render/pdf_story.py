"""A layout filled with a context, as reportlab flowables on GB/T 9704's grid, with its keeps:
headings stay with what follows, list tables repeat their header row and never split a row, and
the closing block (署名, 成文日期, signature rows) shares its page with the body's last two lines (that
page tightened when they would not fit: service.render.pdf).
"""
from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from jinja2 import Environment, StrictUndefined
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table as RLTable, TableStyle
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable

from service.render import gbt9704 as g
from service.render.fonts import FANGSONG, KAI, SANS, SERIF, FontChain
from service.render.grid import Closing, GridParagraph, Tightening
from service.render.layouts import CLOSING, Block, Heading, Loop, Para, Sides, Signature, Table, Title

_ENV = Environment(autoescape=False, undefined=StrictUndefined)
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
SEAL_GAP_LINES = 2  # with 署名 and 日期, four lines (≈ 41 mm) for a seal of about 42 mm pressing on both
CELL_PAD_TB, CELL_PAD_LR = 1.5, 2.85  # points; the Word template's cell margins are the same (docx_template.py)
TAIL_LINES = 2  # the body lines (or table rows) that go with the closing block


@lru_cache(maxsize=512)
def _expression(text: str):
    return _ENV.from_string(text)


def text_of(expression: str, ctx: dict) -> str:
    """A layout text filled with the context (each expression compiled once per process)."""
    return _expression(expression).render(ctx)


def _markup(text: str, fonts: FontChain, preferred: str) -> str:
    """Paragraph markup (table cells): escaped text, each run a fallback font draws wrapped in <font>."""
    out = []
    for font, run in fonts.runs(text, preferred):
        piece = escape(run).replace("\n", "<br/>")
        out.append(piece if font == preferred else f'<font name="{font}">{piece}</font>')
    return "".join(out)


@lru_cache(maxsize=32)
def _cell_style(font: str, size: float, align: int) -> ParagraphStyle:
    return ParagraphStyle(f"cell-{font}-{size}-{align}", fontName=font, fontSize=size, leading=size * 1.35,
                          alignment=align, wordWrap="CJK")


class _Cell(Paragraph):
    """A table cell's paragraph, broken into lines once per width: a table wraps its cells each time
    it is measured (on every attempt to place or split it, and again in the second build), and the
    cells never split, so the lines at a width stay what they were."""

    def wrap(self, availWidth, availHeight):
        if getattr(self, "_wrapped_at", None) != availWidth:
            self._size = super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
        self.width, self.height = self._size
        return self._size


class TailRows(Flowable):
    """The last rows of a list table: with the header row when they start a page, without it when
    they follow the rest of the table on the same page."""

    def __init__(self, headed: Flowable, bare: Flowable):
        super().__init__()
        self.headed, self.bare, self._chosen = headed, bare, bare

    def wrap(self, availWidth, availHeight):
        frame = getattr(self, "_frame", None)
        self._chosen = self.headed if frame is not None and getattr(frame, "_atTop", 0) else self.bare
        return self._chosen.wrap(availWidth, availHeight)

    def drawOn(self, canvas, x, y, _sW=0):
        self._chosen.drawOn(canvas, x, y, _sW)


class _Table(RLTable):
    """reportlab's table; a layout-only pass (service.render.pdf.plan) needs its size, not its drawing."""

    def drawOn(self, canvas, x, y, _sW=0):
        tight = getattr(getattr(canvas, "_doctemplate", None), "tight", None)
        if tight is not None:
            tight.note_rows(canvas, len(self._rowHeights))
        if not getattr(canvas, "layout_only", False):
            super().drawOn(canvas, x, y, _sW)


def _rl_table(block: Table, head: list | None, rows: list[list], repeat: bool) -> RLTable:
    data = ([head] if head else []) + rows
    table = _Table(data, colWidths=[c.width_mm * mm for c in block.columns], repeatRows=1 if head and repeat else 0)
    size = block.font_pt
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FANGSONG),  # no stray Helvetica: PDF/A embeds every font
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        # Word's cell margins (tblCellMar of the template), so both formats take the same room
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_TB), ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_TB),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_LR), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_LR),
    ]))
    return table


def _table(block: Table, ctx: dict, fonts: FontChain, tail: int) -> list:
    """The table; with `tail`, its last rows as a separate flowable (to keep with the closing block)."""
    size = block.font_pt
    head = None
    if any(c.header for c in block.columns):
        style = _cell_style(SANS, size, TA_CENTER)
        head = [_Cell(_markup(c.header, fonts, SANS), style) for c in block.columns]
    rows = []
    for row in ctx[block.rows]:
        local = {**ctx, block.var: row}
        cells = []
        for col in block.columns:
            para = _Cell(_markup(text_of(col.cell, local), fonts, FANGSONG), _cell_style(FANGSONG, size, _ALIGN[col.align]))
            # an empty cell of a row with a minimum height (room to sign), as Word's "at least" row height
            cells.append(Spacer(1, block.row_height_mm * mm - 2 * CELL_PAD_TB) if block.row_height_mm and not col.cell else para)
        rows.append(cells)
    repeat = len(block.columns) >= 3  # a list table's header repeats on every page it reaches
    if not tail or len(rows) <= tail:
        return [_rl_table(block, head, rows, repeat)]
    body = _rl_table(block, head, rows[:-tail], repeat)
    last = TailRows(_rl_table(block, head if repeat else None, rows[-tail:], repeat), _rl_table(block, None, rows[-tail:], repeat))
    return [body, last]


def _sides(block: Sides, ctx: dict, fonts: FontChain) -> RLTable:
    half = 78 * mm

    def cell(text: str) -> GridParagraph:  # not a Paragraph: it would collapse the blanks of 日期：　　年　　月　　日
        return GridParagraph(fonts.runs(text_of(text, ctx), FANGSONG), g.BODY_PT, g.BODY_LEADING, align="left", grid=False)

    data = [[cell(a), cell(b)] for a, b in zip(block.left, block.right)]
    table = _Table(data, colWidths=[half, half])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FANGSONG), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _para(text: str, fonts: FontChain, font: str, *, lead: str = "", indent: bool = True, **kw) -> GridParagraph:
    runs = (fonts.runs(lead, KAI) if lead else []) + fonts.runs(text, font)
    return GridParagraph(runs, g.BODY_PT, g.BODY_LEADING, indent_chars=2 if indent else 0, **kw)


class WithNext(Flowable):
    """A heading kept with the start of what follows, as Word's keepNext does: both go to the next
    page only when the heading and the least the next may leave on this one (two lines under
    widow control, a table's header and first row) do not fit. reportlab's own keepWithNext
    would move the whole of the next paragraph or table, leaving the page's foot empty."""

    def __init__(self, heading: Flowable, following: Flowable):
        super().__init__()
        self.heading, self.following = heading, following

    def wrap(self, availWidth, availHeight):
        _w, hh = self.heading.wrapOn(self.canv, availWidth, availHeight)
        _w, fh = self.following.wrapOn(self.canv, availWidth, availHeight - hh)
        self.width, self.height, self._below = availWidth, hh + fh, fh
        return self.width, self.height

    def split(self, availWidth, availHeight):
        _w, hh = self.heading.wrapOn(self.canv, availWidth, availHeight)
        rest = availHeight - hh
        if rest <= 0:
            return []
        _w, fh = self.following.wrapOn(self.canv, availWidth, rest)
        if fh <= rest + 1e-6:
            return [self.heading, self.following]
        parts = self.following.split(availWidth, rest)
        if not parts or isinstance(parts[0], ActionFlowable):
            frame = getattr(self, "_frame", None)
            if frame is not None and getattr(frame, "_atTop", 0):  # a fresh page would do no better
                return [self.heading, self.following]
            return []  # nothing of what follows can start here: the heading goes over with it
        return [self.heading, *parts]

    def drawOn(self, canvas, x, y, _sW=0):
        # Only reached when all of it fits: the heading above, the rest below (drawn in reading order)
        self.heading.drawOn(canvas, x, y + self._below, _sW)
        self.following.drawOn(canvas, x, y, _sW)


def _keep_headings(flow: list) -> list:
    """Each heading joined with what follows it (from the end, so a heading before a heading
    keeps with both)."""
    out: list = []
    for item in reversed(flow):
        if getattr(item, "is_heading", False) and out:
            out[0] = WithNext(item, out[0])
        else:
            out.insert(0, item)
    return out


class _Where(Flowable):
    """Notes the page and height it is laid at under `key`, for the closing block's layout."""

    def __init__(self, marks: dict, key: str):
        super().__init__()
        self.marks, self.key = marks, key

    def wrap(self, available_width, available_height):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        self.marks[self.key] = (canvas.getPageNumber(), y)


def _tail(flow: list) -> list:
    """Take the body's last TAIL_LINES lines (or table rows) off the end of `flow`."""
    taken: list = []
    need = TAIL_LINES
    while need > 0 and flow and isinstance(flow[-1], GridParagraph):
        paragraph = flow.pop()
        head, tail = paragraph.cut(need)
        if head is not None and head.line_count() == 1:  # no line left alone (Word's widow control
            taken.insert(0, paragraph)                   # moves the whole paragraph)
            break
        taken.insert(0, tail)
        if head is not None:
            flow.append(head)
            break
        need -= tail.line_count()
    if not taken and flow and isinstance(flow[-1], (RLTable, TailRows)):
        taken.append(flow.pop())
    return taken


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


def story(layout: tuple[Block, ...], ctx: dict, fonts: FontChain, marks: dict | None = None,
          tight: Tightening | None = None) -> list:
    """The flowables of a layout filled with a context. `marks` receives where the body ends
    ("body_end"), where the closing block starts ("closing_start") and ends ("closing": page from
    0, height); with `tight`, the body's lines follow its page's leading."""
    flow: list = []
    closing: list = []
    blocks = list(layout)
    first_closing = next((i for i, b in enumerate(blocks) if isinstance(b, CLOSING)), len(blocks))
    for n, block in enumerate(blocks):
        before_closing = n == first_closing - 1
        if isinstance(block, Title):
            flow.append(GridParagraph(fonts.runs(text_of(block.text, ctx), SERIF), g.TITLE_PT, g.TITLE_LEADING,
                                      align="center", grid=False, bold=True, space_after=g.BODY_LEADING))
        elif isinstance(block, Heading):
            heading = _para(text_of(block.text, ctx), fonts, SANS if block.level == 1 else KAI, tight=tight, key=(n, 0))
            heading.is_heading = True  # kept with what follows (_keep_headings)
            flow.append(heading)
        elif isinstance(block, Para):
            flow.append(_para(text_of(block.text, ctx), fonts, FANGSONG, lead=text_of(block.lead, ctx), indent=block.indent,
                              tight=tight, key=(n, 0)))
        elif isinstance(block, Loop):
            for i, item in enumerate(ctx[block.items]):
                local = {**ctx, block.var: item}
                flow.append(_para(text_of(block.body.text, local), fonts, FANGSONG, lead=text_of(block.body.lead, local),
                                  tight=tight, key=(n, i)))
        elif isinstance(block, Table):
            flow += _table(block, ctx, fonts, TAIL_LINES if before_closing else 0)
        elif isinstance(block, Sides):
            closing += [Spacer(1, g.BODY_LEADING), _sides(block, ctx, fonts)]
        elif isinstance(block, Signature):
            lines = [fonts.runs(text_of(line, ctx), FANGSONG) for line in block.lines]
            closing += [Spacer(1, SEAL_GAP_LINES * g.BODY_LEADING), Closing(lines, g.BODY_PT, g.BODY_LEADING)]
    marks = marks if marks is not None else {}
    if closing:
        closing.append(_Mark(marks))  # where the closing block ends: the signature field goes beside it
        flow.append(KeepTogether([_Where(marks, "closing_start"), *_tail(flow), *closing]))
    flow = _keep_headings(flow)
    if closing:
        flow.insert(len(flow) - 1, _Where(marks, "body_end"))
    return flow
