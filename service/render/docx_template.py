"""Build a Word template (.docx with docxtpl tags) from a layout, on a GB/T 9704 page.

Run through `templates/build.py`; the templates it writes are committed, so a clerk can open
and restyle them in Word.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from service.render import gbt9704 as g
from service.render.docx_slim import slim
from service.render.docx_office import office
from service.render.pdf_story import CELL_PAD_LR, CELL_PAD_TB, SEAL_GAP_LINES
from service.render.zipfix import normalise_zip
from service.render.layouts import CLOSING, Block, Heading, Loop, Para, Sides, Signature, Table, Title

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
           leading: float = g.BODY_LEADING, before: float = 0, after: float = 0, keep: bool = False, bold: bool = False, grid: bool = True):
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
    fmt.first_line_indent = Twips(INDENT_TWIPS) if indent else Pt(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.widow_control = True  # no single line of a paragraph alone at the top or foot of a page
    fmt.keep_with_next = fmt.keep_together = keep or None  # headings and the title stay with what follows
    style.font.bold = bold or None
    if name == "Normal":
        # As the PDF sets Chinese text, in Word and WPS: no extra space between Chinese and Latin
        # letters or digits (autoSpaceDE/DN), no punctuation hanging in the margin (overflowPunct:
        # 禁则 carries a character down instead, the right edge stays straight). Every style inherits
        # them. (LibreOffice 7.4 ignores autoSpace* and reads overflowPunct the wrong way round: it
        # hangs a closing mark either way.)
        ppr = style.element.get_or_add_pPr()
        for tag in ("w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
            off = OxmlElement(tag)
            off.set(qn("w:val"), "0")
            ppr.insert_element_before(off, *_PPR_AFTER[tag])
    if name == "Normal" or not grid:  # the body's narrower glyphs (see GRID_SCALE), not off the grid
        scale = OxmlElement("w:w")
        scale.set(qn("w:val"), str(GRID_SCALE if grid else 100))
        style.element.get_or_add_rPr().insert_element_before(scale, *_RPR_AFTER_SCALE)
    if not grid:  # off the 28-character grid: the title, tables, footers keep their natural widths
        for props, after in ((style.element.get_or_add_pPr(), _PPR_AFTER_SNAP), (style.element.get_or_add_rPr(), _RPR_AFTER_SNAP)):
            off = OxmlElement("w:snapToGrid")
            off.set(qn("w:val"), "0")
            props.insert_element_before(off, *after)
    return style


def _page(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(g.TOP_MM), Mm(g.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(g.LEFT_MM), Mm(g.RIGHT_MM)
    section.footer_distance = Mm(g.FOOTER_DISTANCE_MM)  # from the page's foot to the footer's last line
    section.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        number = footer.paragraphs[0]
        number.style = doc.styles["JG Page Number"]
        number.alignment = align
        # one character in from the type area's edge, as in the PDF
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            number.paragraph_format.right_indent = Pt(g.PAGE_NUMBER_PT)
        else:
            number.paragraph_format.left_indent = Pt(g.PAGE_NUMBER_PT)
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
        # the provenance line at the foot as in the PDF (10 mm up), the number 7 mm under the type area
        number.paragraph_format.space_after = Pt(FOOTER_GAP_PT)
        footer.add_paragraph("{{ provenance }}", style="JG Provenance")


FOOTER_GAP_PT = 24  # between the page number's line and the provenance line (measured in LibreOffice)


# Markers replaced by Jinja in the saved XML (python-docx cannot write template syntax into attributes).
_TAIL_MARK = '<w:keepNext w:val="JGTAIL"/>'
_TAIL_JINJA = "{% if loop.revindex in (1, 2) %}<w:keepNext/>{% endif %}"  # the last two rows stay with the closing block
_UNIT_MARK, _UNIT_JINJA = '<w:ind w:right="23"/>', '<w:ind w:right="{{ closing_unit_right }}"/>'
# A body paragraph's place for the tightened leading of the closing block's page (docx.tight_at)
_TIGHT_MARK = re.compile(r'<w:spacing w:line="JGTIGHT(\d+)(L?)"/>')
TWIPS_PER_MM, CELL_TWIPS, GRID_SCALE, INDENT_TWIPS = g.TWIPS_PER_MM, g.CELL_TWIPS, g.GRID_SCALE, g.INDENT_TWIPS
DATE_RIGHT_TWIPS = round(4 * (156 / 28) * TWIPS_PER_MM)  # 成文日期 right-indented four characters of the grid


# Successors of an element in its parent's schema sequence (Word rejects elements out of order).
_RPR_AFTER_SNAP = ("w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
                   "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                   "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_RPR_AFTER_SCALE = _RPR_AFTER_SNAP[5:]
_PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                   "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                   "w:rPr", "w:sectPr", "w:pPrChange")
_PPR_AFTER_PUNCT = ("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid") + _PPR_AFTER_SNAP
_PPR_AFTER = {"w:overflowPunct": _PPR_AFTER_PUNCT, "w:autoSpaceDE": _PPR_AFTER_PUNCT[2:], "w:autoSpaceDN": _PPR_AFTER_PUNCT[3:]}
_TRPR_ORDER = ("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_TBLPR_AFTER_LAYOUT = ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def _flag(paragraph, tag: str, val: str | None = None) -> None:
    """Keep a paragraph with the next (keepNext in its place in pPr); `val` marks it for _jinja."""
    paragraph.paragraph_format.keep_with_next = True
    if val is not None:
        paragraph._p.pPr.find(qn("w:keepNext")).set(qn("w:val"), val)


def _tightenable(paragraph, block: int, looped: bool) -> None:
    """Mark where the paragraph's pPr takes the tightened line spacing when its page needs it."""
    mark = OxmlElement("w:spacing")
    mark.set(qn("w:line"), f"JGTIGHT{block}{'L' if looped else ''}")
    paragraph._p.get_or_add_pPr().insert_element_before(mark, *_PPR_AFTER_SNAP[1:])


def _tight_jinja(match: re.Match) -> str:
    return f"{{{{ tight_at({match.group(1)}, loop.index0) }}}}" if match.group(2) else f"{{{{ tight_at({match.group(1)}) }}}}"


def _row_flags(row, *tags: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in tags:
        after = _TRPR_ORDER[_TRPR_ORDER.index(tag) + 1:]
        trpr.insert_element_before(OxmlElement(tag), *after)


def _widths(table, widths_mm: list[float]) -> None:
    """The grid Word and LibreOffice follow is the cells' real widths (not python-docx's equal columns)."""
    twips = [round(w * TWIPS_PER_MM) for w in widths_mm]
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips):
        col.set(qn("w:w"), str(width))
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(sum(twips)))
    tblw.set(qn("w:type"), "dxa")
    if tblpr.find(qn("w:tblLayout")) is None:  # python-docx writes it for autofit False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblpr.insert_element_before(layout, *_TBLPR_AFTER_LAYOUT)
    margins = OxmlElement("w:tblCellMar")  # the PDF's cell padding (pdf_story.CELL_PAD_*)
    for side, pt in (("top", CELL_PAD_TB), ("left", CELL_PAD_LR), ("bottom", CELL_PAD_TB), ("right", CELL_PAD_LR)):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(pt * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tblpr.insert_element_before(margins, *_TBLPR_AFTER_LAYOUT[1:])
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _table(doc, block: Table, tail: bool) -> None:
    headed = any(c.header for c in block.columns)
    table = doc.add_table(rows=(1 if headed else 0) + 3, cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    rows = list(table.rows)
    for row in rows:
        _row_flags(row, "w:cantSplit")  # no row breaks across pages
    if headed:
        header = rows.pop(0)
        if len(block.columns) >= 3:  # a list table's header row repeats on every page
            _row_flags(header, "w:tblHeader")
        for cell, col in zip(header.cells, block.columns):
            cell.paragraphs[0].text = col.header
            cell.paragraphs[0].style = doc.styles["JG Table Head"]
            _flag(cell.paragraphs[0], "w:keepNext")
    rows[0].cells[0].paragraphs[0].text = f"{{%tr for {block.var} in {block.rows} %}}"
    rows[2].cells[0].paragraphs[0].text = "{%tr endfor %}"
    for cell, col in zip(rows[1].cells, block.columns):
        paragraph = cell.paragraphs[0]
        paragraph.text = col.cell
        paragraph.style = doc.styles["JG Table 9" if block.font_pt < 12 else "JG Table"]
        paragraph.alignment = _ALIGN[col.align]
        if tail:
            _flag(paragraph, "w:keepNext", "JGTAIL")
    if block.row_height_mm:
        rows[1].height = Mm(block.row_height_mm)
    for row in table.rows:  # centred in their rows, as the PDF's cells (VALIGN MIDDLE)
        for cell in row.cells:
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    _widths(table, [c.width_mm for c in block.columns])


def _sides(doc, block: Sides) -> None:
    """Both parties side by side, borderless, every row kept with the next (one page)."""
    table = doc.add_table(rows=len(block.left), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row, left, right in zip(table.rows, block.left, block.right):
        _row_flags(row, "w:cantSplit")
        for cell, text in zip(row.cells, (left, right)):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = doc.styles["JG Sides"]
            _flag(cell.paragraphs[0], "w:keepNext")
    _widths(table, [78, 78])


def _keep_last(doc, count: int = 2) -> None:
    """The body's last paragraphs stay with the closing block (with widow control, two lines at least)."""
    for paragraph in [p for p in doc.paragraphs if p.text and not p.text.startswith("{%")][-count:]:
        paragraph.paragraph_format.keep_with_next = True


def build(layout: tuple[Block, ...], title: str) -> bytes:
    """The .docx template of a layout, as bytes (reproducible)."""
    doc = Document()
    _style(doc, "Normal", g.WORD_BODY_FONT, g.BODY_PT, indent=True)
    _style(doc, "JG Title", g.WORD_TITLE_FONT, g.TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, leading=g.TITLE_LEADING,
           after=g.BODY_LEADING, keep=True, bold=True, grid=False)
    _style(doc, "JG Heading 1", g.WORD_HEADING1_FONT, g.BODY_PT, indent=True, keep=True)
    _style(doc, "JG Heading 2", g.WORD_HEADING2_FONT, g.BODY_PT, indent=True, keep=True)
    _style(doc, "JG Table", g.WORD_BODY_FONT, g.TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT, leading=g.TABLE_PT * 1.35, grid=False)
    _style(doc, "JG Table 9", g.WORD_BODY_FONT, 9, align=WD_ALIGN_PARAGRAPH.LEFT, leading=9 * 1.35, grid=False)
    _style(doc, "JG Table Head", g.WORD_HEADING1_FONT, g.TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, leading=g.TABLE_PT * 1.35, grid=False)
    _style(doc, "JG Sides", g.WORD_BODY_FONT, g.BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, keep=True, grid=False)
    # off the character grid, as the PDF's closing block: the date's digits without cells' gaps
    _style(doc, "JG Signature", g.WORD_BODY_FONT, g.BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True, grid=False)
    _style(doc, "JG Page Number", g.WORD_BODY_FONT, g.PAGE_NUMBER_PT, leading=g.PAGE_NUMBER_PT * 1.2, grid=False)
    _style(doc, "JG Provenance", g.WORD_BODY_FONT, g.PROVENANCE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, leading=g.PROVENANCE_PT * 1.3, grid=False)
    _page(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    blocks = list(layout)
    first_closing = next((i for i, b in enumerate(blocks) if isinstance(b, CLOSING)), len(blocks))
    for n, block in enumerate(blocks):
        if n == first_closing and not isinstance(blocks[n - 1], Table):
            _keep_last(doc)
        if isinstance(block, Title):
            doc.add_paragraph(block.text, style="JG Title")
        elif isinstance(block, Heading):
            _tightenable(doc.add_paragraph(block.text, style=f"JG Heading {block.level}"), n, False)
        elif isinstance(block, (Para, Loop)):
            para, looped = (block.body, True) if isinstance(block, Loop) else (block, False)
            if looped:
                doc.add_paragraph(f"{{%p for {block.var} in {block.items} %}}")
            p = doc.add_paragraph()
            if para.lead:  # a run-in second-level heading in 楷体
                _fonts(p.add_run(para.lead)._r, g.WORD_HEADING2_FONT)
            p.add_run(para.text)
            if not para.indent:
                p.paragraph_format.first_line_indent = Pt(0)
            _tightenable(p, n, looped)
            if looped:
                doc.add_paragraph("{%p endfor %}")
        elif isinstance(block, Table):
            _table(doc, block, tail=n == first_closing - 1)
        elif isinstance(block, Sides):
            doc.add_paragraph("", style="JG Signature")
            _sides(doc, block)
        elif isinstance(block, Signature):
            for _ in range(SEAL_GAP_LINES):  # room for the seal over 署名 and 日期
                doc.add_paragraph("", style="JG Signature")
            *names, last = block.lines
            for line in names:  # 署名 centred over the date: its right indent is computed when filled
                p = doc.add_paragraph(line, style="JG Signature")
                p.paragraph_format.right_indent = Pt(1.15)  # _UNIT_MARK
            date = doc.add_paragraph(last, style="JG Signature")
            date.paragraph_format.right_indent = Pt(DATE_RIGHT_TWIPS / 20)
            date.paragraph_format.keep_with_next = False
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = title, "jiugai", "jiugai", ""
    props.created = props.modified = datetime(2019, 11, 15, tzinfo=timezone.utc)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _jinja(office(slim(out.getvalue())))


def _jinja(docx: bytes) -> bytes:
    """Put the Jinja that python-docx cannot write (row keeps, the 署名's indent) into the XML."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    xml = xml.replace(_TAIL_MARK, _TAIL_JINJA)
    xml = xml.replace(_UNIT_MARK, _UNIT_JINJA)
    xml = _TIGHT_MARK.sub(_tight_jinja, xml)
    parts["word/document.xml"] = xml.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return normalise_zip(out.getvalue())
