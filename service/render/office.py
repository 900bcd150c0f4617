"""How an office program sets a tightened paragraph of the Word file, for the leading it is given.

A tightened paragraph leaves the line grid (`snapToGrid` off in its pPr: LibreOffice keeps a line
on the grid's pitch whatever its spacing). Word then keeps its characters on the character grid,
as the PDF does; LibreOffice 7.4 takes them off it too and, ignoring `autoSpaceDE`/`autoSpaceDN`
(its DOCX import drops both), puts a gap of about a fifth of the body's size between Chinese and
Latin letters or digits. Its lines can then run longer than the PDF's, so the Word file's leading
budgets for the longer of the two layouts (measured in LibreOffice 7.4: 3.26–3.37 pt a gap), and
for table rows a border's width taller than reportlab's.
"""
from __future__ import annotations

from service.render import gbt9704 as g
from service.render.grid import TYPE_WIDTH, GridParagraph, Token, lay_out, tokens

GAP = 3.4  # points between a Chinese character and a Latin or digit run, in LibreOffice
ROW_EXTRA = 0.5  # points a table row takes more than in the PDF: its border (LibreOffice 7.4, 19.7 against 19.2)
SPARE = 3.0  # points left free on the Word file's tightened page for what rounds differently there


def lines_off_grid(paragraph: GridParagraph) -> int:
    """The lines LibreOffice sets the whole paragraph in, off the grid."""
    out: list[Token] = []
    previous: Token | None = None
    for t in tokens(paragraph.runs, paragraph.size, None):
        width = t.width * g.WORD_GLYPH_SCALE
        gap = GAP if previous is not None and previous.wide != t.wide and t.text.strip() and previous.text.strip() else 0.0
        out.append(Token(t.text, t.font, width, width + gap, t.wide))
        previous = t
    return len(lay_out(out, TYPE_WIDTH, g.INDENT_TWIPS / 20 if paragraph.indent_chars else 0.0))


def extra_lines(paragraphs: list[GridParagraph]) -> int:
    """How many lines more than the PDF's the paragraphs (or their pieces) take off the grid, each
    paragraph counted once, whole (Word tightens whole paragraphs)."""
    seen, extra = set(), 0
    for piece in paragraphs:
        if piece.key in seen or piece.size != g.BODY_PT:
            continue
        seen.add(piece.key)
        whole = GridParagraph(piece.runs, piece.size, piece.base_leading, indent_chars=piece.indent_chars)
        extra += max(0, lines_off_grid(whole) - whole.line_count())
    return extra
