"""GB/T 9704-2012 page figures shared by the Word templates and the PDF."""

TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26  # type area 156 × 225 mm
FOOTER_DISTANCE_MM = 8
TITLE_PT = 22        # 2号
BODY_PT = 16         # 3号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12        # 小四
PROVENANCE_PT = 8
BODY_LEADING = 28.95  # 22 lines in the 225 mm type area
TITLE_LEADING = 35
PAGE_NUMBER_GAP_MM = 7  # the page number sits 7 mm below the type area

# The fonts the standard names, for Word on an office PC.
WORD_TITLE_FONT = "方正小标宋简体"
WORD_BODY_FONT = "仿宋_GB2312"
WORD_HEADING1_FONT = "黑体"
WORD_HEADING2_FONT = "楷体_GB2312"
# The Word grid's cell as LibreOffice reckons it from docGrid: whole twips (315 of the exact 315.86). In
# LibreOffice (7.4) a character on the grid takes as many whole cells as its glyph's advance needs,
# measured without character spacing (w:spacing): a 16 pt glyph (320 twips) takes two, and a line
# broken inside a run holds 14 characters. The body's glyphs are therefore 98 % wide (w:w, 313.6
# twips): one cell. Word and WPS set 28 a line with 3号 on the 15.79 pt pitch (the usual GB/T 9704
# set-up); with glyphs 2 % narrower still 28 (a 29th would need every advance under 15.25 pt).
# The PDF measures a Latin run's whole cells at that width too (grid.tokens).
TWIPS_PER_MM = 1440 / 25.4
CELL_TWIPS = int(156 / 28 * TWIPS_PER_MM)
GRID_SCALE = 100 * CELL_TWIPS // (BODY_PT * 20)  # per cent
WORD_GLYPH_SCALE = GRID_SCALE / 100
INDENT_TWIPS = 2 * CELL_TWIPS  # 2 characters; a twip more and LibreOffice gives the indent a third cell
BODY_LINE_TWIPS = round(BODY_LEADING * 20)  # 579
