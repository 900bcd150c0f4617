"""Build a Word template (.docx with docxtpl tags) from a layout, on a GB/T 9704 page.

Run through `templates/build.py`; the templates it writes are committed, so a clerk can open
and restyle them in Word.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from service.render import gbt9704 as g
from service.render.docx_slim import slim
from service.render.layouts import Block, Heading, Loop, Para, Signature, Table, Title

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _fonts(rpr_owner, name: str) -> None:
    """Name a font for every script, East Asian included (python-docx sets only ascii/hAnsi)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style(doc, name: str, font: str, size: float, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False,
           leading: float = g.BODY_LEADING, before: float = 0, after: float = 0):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    if name != "Normal":
        style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    style.font.name = font
    _fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(leading)
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.widow_control = False
    return style


def _page(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(g.TOP_MM), Mm(g.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(g.LEFT_MM), Mm(g.RIGHT_MM)
    section.footer_distance = Mm(g.FOOTER_DISTANCE_MM)
    section.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        number = footer.paragraphs[0]
        number.style = doc.styles["JG Page Number"]
        number.alignment = align
        # GB/T 9704: "— 1 —", a quarter-em space inside, odd pages right, even pages left.
        number.add_run("— ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        number._p.append(field)
        number.add_run(" —")
        footer.add_paragraph("{{ provenance }}", style="JG Provenance")


def _table(doc, block: Table) -> None:
    headed = any(c.header for c in block.columns)
    table = doc.add_table(rows=(1 if headed else 0) + 3, cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    rows = list(table.rows)
    if headed:
        for cell, col in zip(rows.pop(0).cells, block.columns):
            cell.paragraphs[0].text = col.header
            cell.paragraphs[0].style = doc.styles["JG Table Head"]
    rows[0].cells[0].paragraphs[0].text = f"{{%tr for {block.var} in {block.rows} %}}"
    rows[2].cells[0].paragraphs[0].text = "{%tr endfor %}"
    for cell, col in zip(rows[1].cells, block.columns):
        paragraph = cell.paragraphs[0]
        paragraph.text = col.cell
        paragraph.style = doc.styles["JG Table 9" if block.font_pt < 12 else "JG Table"]
        paragraph.alignment = _ALIGN[col.align]
    if block.row_height_mm:
        rows[1].height = Mm(block.row_height_mm)
    for row in table.rows:
        for cell, col in zip(row.cells, block.columns):
            cell.width = Mm(col.width_mm)


def build(layout: tuple[Block, ...], title: str) -> bytes:
    """The .docx template of a layout, as bytes (reproducible)."""
    doc = Document()
    _style(doc, "Normal", g.WORD_BODY_FONT, g.BODY_PT, indent=True)
    _style(doc, "JG Title", g.WORD_TITLE_FONT, g.TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, leading=g.TITLE_LEADING, after=g.BODY_LEADING)
    _style(doc, "JG Heading 1", g.WORD_HEADING1_FONT, g.BODY_PT, indent=True)
    _style(doc, "JG Heading 2", g.WORD_HEADING2_FONT, g.BODY_PT, indent=True)
    _style(doc, "JG Table", g.WORD_BODY_FONT, g.TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT, leading=g.TABLE_PT * 1.35)
    _style(doc, "JG Table 9", g.WORD_BODY_FONT, 9, align=WD_ALIGN_PARAGRAPH.LEFT, leading=9 * 1.35)
    _style(doc, "JG Table Head", g.WORD_HEADING1_FONT, g.TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, leading=g.TABLE_PT * 1.35)
    _style(doc, "JG Signature", g.WORD_BODY_FONT, g.BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "JG Page Number", g.WORD_BODY_FONT, g.PAGE_NUMBER_PT, leading=g.PAGE_NUMBER_PT * 1.2)
    _style(doc, "JG Provenance", g.WORD_BODY_FONT, g.PROVENANCE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, leading=g.PROVENANCE_PT * 1.3)
    _page(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    for block in layout:
        if isinstance(block, Title):
            doc.add_paragraph(block.text, style="JG Title")
        elif isinstance(block, Heading):
            doc.add_paragraph(block.text, style=f"JG Heading {block.level}")
        elif isinstance(block, Para):
            p = doc.add_paragraph(block.text)
            if not block.indent:
                p.paragraph_format.first_line_indent = Pt(0)
        elif isinstance(block, Loop):
            doc.add_paragraph(f"{{%p for {block.var} in {block.items} %}}")
            doc.add_paragraph(block.body.text)
            doc.add_paragraph("{%p endfor %}")
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Signature):
            doc.add_paragraph("")
            for line in block.lines:
                doc.add_paragraph(line, style="JG Signature")
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = title, "jiugai", "jiugai", ""
    props.created = props.modified = datetime(2019, 11, 15, tzinfo=timezone.utc)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return slim(out.getvalue())
