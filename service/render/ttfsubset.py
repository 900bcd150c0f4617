"""reportlab's TrueType subsetting without a copy of the whole glyph table per subset.

`TTFontFile.makeSubset` asks for the `glyf` table (`get_table`, a slice of the font file) and then
only slices single glyphs out of it. Our faces' glyph tables are 3–13 MB, and a document embeds
four or five subsets: copying them was about 2.5 ms of every PDF, more than the rest of the
subsetting. Here `get_table("glyf")` gives a view that slices the glyphs straight out of the font
file: the same bytes, so the same subsets.
"""
from __future__ import annotations

from reportlab.pdfbase import ttfonts


class _GlyphTable:
    """The glyf table as makeSubset reads it: `table[a:b]` is bytes of the font file."""

    __slots__ = ("_data", "_start", "_length")

    def __init__(self, data: bytes, start: int, length: int):
        self._data, self._start, self._length = data, start, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("the glyph table is read by slices")
        start, stop, step = item.indices(self._length)
        if step != 1:
            raise ValueError("the glyph table is read by contiguous slices")
        return self._data[self._start + start:self._start + max(start, stop)]


def install() -> None:
    """Make every TrueType subset read its glyphs in place (idempotent)."""
    original = ttfonts.TTFontFile.get_table
    if getattr(original, "reads_glyphs_in_place", False):
        return

    def get_table(self, tag):
        if tag == "glyf":
            start, length = self.get_table_pos(tag)
            return _GlyphTable(self._ttf_data, start, length)
        return original(self, tag)

    get_table.reads_glyphs_in_place = True
    ttfonts.TTFontFile.get_table = get_table
