"""GB/T 9704's grid in the PDF: body lines of 28 characters on a fixed pitch, justified (两端对齐).

reportlab's Paragraph cannot set a character pitch (16 pt glyphs in a 156 mm line give 27), so
a paragraph here is laid out by hand: each full-width character takes one cell of the grid
(type-area width / 28), a run of Latin letters or digits spans the whole cells it needs (as Word
and LibreOffice set Latin on a character grid) and is never cut, lines break with the Chinese 禁则
(no closing mark starts a line, no opening mark ends one), and every line but the last is spread
so that its last glyph ends on the right margin.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.flowables import Flowable

from service.render.cjkwrap import CANNOT_END, CANNOT_START
from service.render.fonts import FontChain
from service.render.gbt9704 import WORD_GLYPH_SCALE

CHARS_PER_LINE = 28


@dataclass(frozen=True)
class Token:
    """What a line may not split: one full-width character, or a run of Latin letters and digits."""

    text: str
    font: str
    width: float  # natural advance
    cell: float   # room it takes on the grid
    wide: bool


@dataclass(frozen=True)
class Line:
    tokens: tuple[Token, ...]
    indent: float
    last: bool  # the paragraph's last line (or one ended by a line break): not spread


# A token's text: a run of Latin letters, digits and the marks inside codes and amounts, or any one character.
_LATIN = r"[A-Za-z0-9.,\-_/:%+#@()]"
_PIECE = re.compile(_LATIN + r"+|.", re.S)
_IS_LATIN = re.compile(_LATIN)
# One character's token by (font, size, pitch): a page has a few hundred distinct characters and draws
# each many times, so measuring each once saves most of the layout's time. Bounded by the fonts'
# coverage; Latin runs (amounts, codes: unbounded) are measured each time.
_CHARS: dict[tuple[str, float, float | None], dict[str, Token]] = {}


def _token(piece: str, font: str, size: float, pitch: float | None) -> Token:
    width = stringWidth(piece, font, size)
    wide = len(piece) == 1 and unicodedata.east_asian_width(piece) in "WF"
    if pitch and wide:
        cell = pitch
    elif pitch and _IS_LATIN.match(piece):  # as Word and LibreOffice set Latin on a character grid: across
        cell = math.ceil(width * WORD_GLYPH_SCALE / pitch - 1e-6) * pitch  # the whole cells its Word width needs
    else:
        cell = width
    return Token(piece, font, width, cell, wide)


def tokens(runs: list[tuple[str, str]], size: float, pitch: float | None) -> list[Token]:
    """The tokens of (font, text) runs; `pitch` None lays out on natural widths (titles)."""
    out: list[Token] = []
    for font, text in runs:
        known = _CHARS.setdefault((font, size, pitch), {})
        for piece in _PIECE.findall(text):
            tok = known.get(piece)
            if tok is None:
                tok = _token(piece, font, size, pitch)
                if len(piece) == 1:
                    known[piece] = tok
            out.append(tok)
    return out


def _break(toks: list[Token], start: int, i: int) -> int:
    """Where to end the line whose token i no longer fits (禁则: carry characters down, never hang)."""
    k = i
    while k > start + 1 and len(toks[k].text) == 1 and toks[k].text in CANNOT_START:
        k -= 1
    while k > start + 1 and len(toks[k - 1].text) == 1 and toks[k - 1].text in CANNOT_END:
        k -= 1
    return k


def lay_out(toks: list[Token], width: float, first_indent: float) -> list[Line]:
    """Greedy lines of at most `width` points of cells."""
    lines: list[Line] = []
    start, used, indent = 0, first_indent, first_indent
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.text == "\n":
            lines.append(Line(tuple(toks[start:i]), indent, True))
            start, i, used, indent = i + 1, i + 1, 0.0, 0.0
            continue
        if used + t.cell > width + 0.01 and i > start:
            end = _break(toks, start, i)
            lines.append(Line(tuple(toks[start:end]), indent, False))
            start, i, used, indent = end, end, 0.0, 0.0
            continue
        used += t.cell
        i += 1
    if start < len(toks) or not lines:
        lines.append(Line(tuple(toks[start:]), indent, True))
    return lines


class Tightening:
    """GB/T 9704 7.3.5.4: when the closing block cannot share its page with the end of the body,
    that page's line spacing is tightened (the 28-character grid stays). One page at most, chosen
    after a first layout (service.render.pdf); the body's lines there take `factor` × their leading,
    and every body line drawn records its height per page, for the first layout to measure."""

    def __init__(self, page: int | None = None, factor: float = 1.0, word: float = 1.0):
        self.page, self.factor, self.word = page, factor, word  # word: the Word file's factor (office.py)
        self.drawn: dict[int, float] = {}  # page → points of body lines drawn on it
        self.first: dict[int, tuple] = {}  # page → the key of the first body paragraph drawn on it
        self.paragraphs: dict[int, list] = {}  # page → the body paragraphs (or their pieces) drawn on it
        self.rows: dict[int, int] = {}  # page → table rows drawn on it

    def adopt(self, other: "Tightening") -> None:
        """Take another's page and factors, and forget what was drawn (for the next build)."""
        self.page, self.factor, self.word = other.page, other.factor, other.word
        self.drawn, self.first, self.paragraphs, self.rows = {}, {}, {}, {}

    def leading(self, base: float, canvas) -> float:
        if self.page is not None and canvas is not None and canvas.getPageNumber() == self.page:
            return base * self.factor
        return base

    def note_rows(self, canvas, count: int) -> None:
        page = canvas.getPageNumber()
        self.rows[page] = self.rows.get(page, 0) + count

    def note(self, canvas, paragraph: "GridParagraph") -> None:
        page = canvas.getPageNumber()
        self.drawn[page] = self.drawn.get(page, 0.0) + paragraph.height
        self.paragraphs.setdefault(page, []).append(paragraph)
        if paragraph.key is not None:
            self.first.setdefault(page, paragraph.key)


class GridParagraph(Flowable):
    """A paragraph on the grid; splits between lines with widow and orphan control (two lines at
    least on each side, as Word's widowControl); `align` justify, center, right or left. With a
    `tight` Tightening its leading follows the page it lands on."""

    def __init__(self, runs: list[tuple[str, str]], size: float, leading: float, *, align: str = "justify",
                 indent_chars: int = 0, grid: bool = True, bold: bool = False, space_after: float = 0,
                 right_chars: int = 0, lines: list[Line] | None = None, tight: Tightening | None = None,
                 key: tuple | None = None):
        super().__init__()
        self.runs, self.size, self.base_leading, self.leading, self.align = runs, size, leading, leading, align
        self.indent_chars, self.grid, self.bold, self.right_chars = indent_chars, grid, bold, right_chars
        self.spaceAfter = space_after
        self.tight, self.key = tight, key  # key: (layout block, loop item), as the Word template numbers them
        self._lines, self._width = lines, None

    def _copy(self, lines: list[Line], space_after: float) -> "GridParagraph":
        return GridParagraph(self.runs, self.size, self.base_leading, align=self.align, grid=self.grid, bold=self.bold,
                             space_after=space_after, right_chars=self.right_chars, lines=lines, tight=self.tight,
                             key=self.key)

    def _lead(self) -> float:
        if self.tight is not None:
            self.leading = self.tight.leading(self.base_leading, getattr(self, "canv", None))
        return self.leading

    def lines(self, width: float) -> list[Line]:
        """The laid-out lines at this width (computed once)."""
        if self._lines is None or (self._width is not None and abs(self._width - width) > 0.01):
            pitch = width / CHARS_PER_LINE if self.grid else None
            cell = pitch or self.size
            self._lines = lay_out(tokens(self.runs, self.size, pitch), width - self.right_chars * cell,
                                  self.indent_chars * cell)
            self._width = width
        return self._lines

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = len(self.lines(availWidth)) * self._lead()
        return self.width, self.height

    def split(self, availWidth, availHeight):
        lines = self.lines(availWidth)
        fit = int((availHeight + 0.01) // self._lead())
        if fit >= len(lines):
            return []
        if len(lines) - fit == 1:  # no widow: one line more goes over with the last
            fit -= 1
        if fit < 2:  # no orphan: the whole paragraph goes to the next page
            return []
        return [self._copy(lines[:fit], 0), self._copy(lines[fit:], self.spaceAfter)]

    def cut(self, keep: int) -> tuple["GridParagraph | None", "GridParagraph"]:
        """(all but the last `keep` lines, the last `keep` lines), at the width last laid out."""
        lines = self.lines(self._width or TYPE_WIDTH)
        if len(lines) <= keep:
            return None, self
        return self._copy(lines[:-keep], 0), self._copy(lines[-keep:], self.spaceAfter)

    def line_count(self) -> int:
        return len(self.lines(self._width or TYPE_WIDTH))

    def drawOn(self, canvas, x, y, _sW=0):
        if self.tight is not None and self.grid:
            self.tight.note(canvas, self)
        if not getattr(canvas, "layout_only", False):
            super().drawOn(canvas, x, y, _sW)

    def draw(self):
        canvas, width = self.canv, self.width
        cell = width / CHARS_PER_LINE if self.grid else self.size
        right = width - self.right_chars * cell
        text = canvas.beginText()
        if self.bold:  # the title's bold song face: the glyphs filled and stroked (no bold face is shipped)
            canvas.setLineWidth(self.size * 0.03)
            text.setTextRenderMode(2)
        baseline = self.leading / 2 + self.size * 0.35  # the line's middle, then down to the baseline
        for n, line in enumerate(self._lines or []):
            _draw_line(text, _positions(line, right, self.align), self.height - n * self.leading - baseline, self.size)
        canvas.drawText(text)


def _draw_line(text, placed: list, y: float, size: float) -> None:
    """One text run per stretch of evenly spaced characters of one font (the character spacing
    operator places them), not one per character: a page draws several times faster."""
    i = 0
    while i < len(placed):
        x, tok = placed[i]
        j, run = i + 1, tok.text
        step = placed[i + 1][0] - x - tok.width if i + 1 < len(placed) else 0.0
        if len(tok.text) == 1:
            while j < len(placed):
                nx, nt = placed[j]
                px, pt = placed[j - 1]
                if nt.font != tok.font or len(nt.text) != 1 or abs(nx - px - pt.width - step) > 1e-6:
                    break
                run += nt.text
                j += 1
        text.setFont(tok.font, size)
        text.setCharSpace(step if j > i + 1 else 0)
        text.setTextOrigin(x, y)
        text.textOut(run)
        i = j


def _positions(line: Line, right: float, align: str):
    toks = line.tokens
    if not toks:
        return []
    if align == "justify" and not line.last and len(toks) > 1:
        natural = sum(t.width for t in toks)
        gap = (right - line.indent - natural) / (len(toks) - 1)
        out, x = [], line.indent
        for t in toks:
            out.append((x, t))
            x += t.width + gap
        return out
    # A line not spread: Chinese on the grid's cells, Latin runs at their own width. They took whole
    # cells to break the lines as Word does, but drawn in them they would stand apart from the
    # Chinese around them (“编号 XC-2020-007 ，”), which reads as stray spaces.
    advance = [t.cell if t.wide else t.width for t in toks]
    used = sum(advance)
    x = {"center": (right - used) / 2, "right": right - used}.get(align, line.indent)
    out = []
    for t, step in zip(toks, advance):
        out.append((x + (t.cell - t.width) / 2 if t.wide else x, t))
        x += step
    return out


TYPE_WIDTH = 156 * 72 / 25.4


def runs_of(text: str, fonts: FontChain, preferred: str) -> list[tuple[str, str]]:
    """(font, text) runs: each character in the preferred face, or the first fallback that has it."""
    return fonts.runs(text, preferred)


class Closing(Flowable):
    """发文机关署名 over 成文日期: the date right-indented four characters, the name centred above it
    (GB/T 9704 7.3.5.1), after room for a seal pressing on both."""

    def __init__(self, lines: list[list[tuple[str, str]]], size: float, leading: float):
        super().__init__()
        self.lines, self.size, self.leading = lines, size, leading

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, len(self.lines) * self.leading
        return self.width, self.height

    def draw(self):
        cell = self.width / CHARS_PER_LINE
        laid = [tokens(runs, self.size, None) for runs in self.lines]  # off the grid, as in Word: no gaps in the date
        widths = [sum(t.cell for t in toks) for toks in laid]
        date_right = self.width - 4 * cell
        centre = date_right - widths[-1] / 2
        text = self.canv.beginText()
        baseline = self.leading / 2 + self.size * 0.35
        for n, (toks, w) in enumerate(zip(laid, widths)):
            x = date_right - w if n == len(laid) - 1 else min(max(centre - w / 2, 0), self.width - w)
            y = self.height - n * self.leading - baseline
            for t in toks:
                text.setFont(t.font, self.size)
                text.setTextOrigin(x, y)
                text.textOut(t.text)
                x += t.cell
        self.canv.drawText(text)
