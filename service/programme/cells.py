"""Spreadsheet cells that stay text: nothing a street typed can become a formula (OWASP, CSV/formula injection).

openpyxl turns any string starting with "=" into a live formula, and a spreadsheet program
re-reads a leading "+", "-", "@", tab or carriage return as the start of one when the sheet is
edited or saved as CSV. Every text cell is therefore stored as a string and marked with Excel's
quote prefix, which keeps it text in the editor too; the characters themselves are kept as typed.
"""
from __future__ import annotations

from openpyxl.cell.cell import ERROR_CODES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def keep_as_text(book) -> int:
    """Make every text cell of every sheet of `book` a plain string; return how many needed it."""
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.value.startswith(FORMULA_STARTS) or cell.value in ERROR_CODES):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
