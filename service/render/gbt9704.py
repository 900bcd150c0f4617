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
# The Word body's glyphs are 98 % wide (w:w, docx_template.GRID_SCALE: LibreOffice gives a glyph one
# grid cell only if it is no wider than the cell); a Latin run spans the whole cells of that width.
WORD_GLYPH_SCALE = 0.98
