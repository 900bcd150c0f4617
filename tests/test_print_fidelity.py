"""Print fidelity (documents.md 1.1, issue 11): what a secretariat checks before it signs, in the PDF
as drawn and in the DOCX as an office opens it (structure here, LibreOffice in test_real_client.py)."""
from __future__ import annotations

import ctypes
import io
import re
import unicodedata
import zipfile
from datetime import date
from functools import lru_cache

import pytest

from conftest import FIXTURES, unavailable
from pdftools import EXTB_MISSING, extension_b_font
from service.adapters.reader import open_package
from service.usecases.documents import render
from service.domain.documents import kinds
from service.services import checker

PT_PER_MM = 72 / 25.4
LEFT, RIGHT = 28 * PT_PER_MM, (210 - 26) * PT_PER_MM
TOP, BOTTOM = (297 - 37) * PT_PER_MM, 35 * PT_PER_MM
EVERY = [(k.kind, f) for k in kinds().values() for f in {
    "declaration": ["examples/declaration", "declaration/chaohui-234-valid", "declaration/huilongmiaoqian-valid"],
    "acceptance": ["examples/acceptance", "acceptance/chaohui-234-valid"],
    "handover": ["examples/handover", "handover/chaohui-234-valid"]}[k.stage]]
HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@lru_cache(maxsize=None)
def rendered(kind: str, folder: str, fmt: str) -> bytes:
    if fmt == "pdf" and "huilongmiaoqian" in folder and not extension_b_font():
        unavailable(EXTB_MISSING)
    with open_package(FIXTURES / folder) as package:
        return render(kind, fmt, package, checker().check(package), checker()).data


def body_lines(data: bytes, body_only: bool = True) -> list[list[tuple[str, float, float, float]]]:
    """Per page, the 16 pt lines (every line with `body_only` False) in the type area: (text, left,
    right, baseline), top to bottom; left and right: the first character's origin, the last one's advance end."""
    import pypdfium2

    pages = []
    for page in pypdfium2.PdfDocument(data):
        text = page.get_textpage()
        rows: dict[float, list] = {}
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if not ch.strip():
                continue
            size = pypdfium2.raw.FPDFText_GetFontSize(text.raw, i)
            left, bottom, right, top = text.get_charbox(i, loose=True)
            x, y = ctypes.c_double(), ctypes.c_double()
            pypdfium2.raw.FPDFText_GetCharOrigin(text.raw, i, x, y)
            if (body_only and abs(size - 16) > 0.1) or not (BOTTOM - 5 < y.value < TOP + 5):
                continue
            rows.setdefault(round(y.value, 1), []).append((ch, x.value, right))
        lines = []
        for y in sorted(rows, reverse=True):
            chars = sorted(rows[y], key=lambda c: c[1])
            lines.append(("".join(c[0] for c in chars), chars[0][1], chars[-1][2], y))
        pages.append(lines)
    return pages


@pytest.mark.parametrize("kind,folder", EVERY)
def test_pdf_body_lines_hold_28_characters_with_a_straight_right_edge(kind, folder):
    full = 0
    for lines in body_lines(rendered(kind, folder, "pdf")):
        for line, after in zip(lines, lines[1:]):
            text, left, right, _y = line
            continued = abs(after[1] - LEFT) < 1 and abs(left - LEFT) < 40 and not HEADING.match(after[0]) \
                and not text.startswith(("移交", "接收"))  # the two parties' columns of the record
            if not continued or not (abs(right - RIGHT) < 20):
                continue  # a paragraph's last line, a heading, a table row, the closing block
            assert abs(right - RIGHT) <= 0.5, f"{text!r} ends at {right:.2f}, not at the margin {RIGHT:.2f}"
            if abs(left - LEFT) < 0.5 and all(unicodedata.east_asian_width(c) in "WF" for c in text):
                assert len(text) <= 28, text  # 27 where 禁则 carried a character down
                full += len(text) == 28
    if kind == "notice":
        assert full > 0, "no full body line of 28 characters"


@pytest.mark.parametrize("kind,folder", EVERY)
def test_pdf_heading_is_never_the_last_line_of_a_page(kind, folder):
    for n, lines in enumerate(body_lines(rendered(kind, folder, "pdf"), body_only=False), start=1):
        assert lines and not HEADING.match(lines[-1][0]), f"page {n} ends with the heading {lines[-1][0]!r}"


@pytest.mark.parametrize("kind,folder", EVERY)
def test_pdf_closing_block_shares_its_last_page_with_the_body(kind, folder):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(rendered(kind, folder, "pdf"))
    last = pdf[len(pdf) - 1].get_textpage().get_text_range()
    date = re.findall(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", last)  # digits sit centred in whole grid cells
    assert date, "no date on the last page"
    lines = [line for line in body_lines(rendered(kind, folder, "pdf"))[-1]]
    closing_at = max(i for i, line in enumerate(lines) if re.search(r"\d{4}年\d{1,2}月\d{1,2}日$", line[0]))
    before = [line for line in lines[:closing_at] if not line[0].startswith(("移交", "接收", "签字", "日期"))]
    table_rows = len(re.findall(r"\n", last)) - len(lines)
    assert len(before) >= 2 or table_rows >= 2, f"the closing block stands almost alone on the last page:\n{last}"


@pytest.mark.parametrize("kind,folder", EVERY)
def test_pdf_author_is_the_issuing_unit(kind, folder):
    from pypdf import PdfReader

    data = rendered(kind, folder, "pdf")
    author = PdfReader(io.BytesIO(data)).metadata.author
    assert author and author != "jiugai" and ("办" in author or "街道" in author or "组" in author)
    assert f"<rdf:li>{author}</rdf:li>".encode() in data  # dc:creator agrees


@pytest.mark.parametrize("title", ["关于朝晖一区的公示", "R&D <东段> \"x\" 'y'\r\nz", "", "a\x07b"])
def test_xmp_packet_is_what_pikepdf_writes_back(title):
    """The PDF/A pass writes the XMP packet as pikepdf serialises it, so its save need not parse the
    packet and write it again; a packet pikepdf reads and writes back must come out unchanged."""
    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    from service.render import pdfa

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 72, "x")
    canvas.save()
    data = pdfa.convert(out.getvalue(), title=title, subject="GS-0000000000000000", issued=date(2019, 10, 8), author=title)
    pdf = pikepdf.open(io.BytesIO(data))
    written = pdf.Root.Metadata.read_bytes()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False):
        pass
    assert pdf.Root.Metadata.read_bytes() == written


def test_qr_code_keeps_a_four_module_quiet_zone():
    import pypdfium2

    image = pypdfium2.PdfDocument(rendered("notice", "examples/declaration", "pdf"))[0].render(scale=4).to_pil().convert("L")
    w, h = image.size
    box = image.crop((int(w * 28 / 210), int(h * (297 - 23) / 297), int(w * 46 / 210), int(h * 292 / 297)))
    dark = [x for x in range(box.width) if min(box.getpixel((x, y)) for y in range(box.height)) < 128]
    import segno

    modules = len(list(segno.make_qr(f"http://127.0.0.1:8000/verify/GS-0000000000000000", error="m", boost_error=False).matrix))
    module = box.width / (modules + 8)  # the 18 mm square holds the code and four modules each side
    assert dark and dark[0] >= 3.5 * module


def _xml(data: bytes, part: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(part).decode()


@pytest.mark.parametrize("kind", [k.kind for k in kinds().values()])
def test_docx_is_the_districts_word_file(kind):
    folder = {"declaration": "examples/declaration", "acceptance": "examples/acceptance", "handover": "examples/handover"}[kinds()[kind].stage]
    data = rendered(kind, folder, "docx")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    everything = "".join(_xml(data, n) for n in names if n.endswith((".xml", ".rels")))
    for leftover in ("ＭＳ", "Macintosh", "ja-JP", "Theme=", "theme1.xml"):
        assert leftover not in everything, leftover
    assert "Cambria" not in _xml(data, "word/fontTable.xml")
    assert 'w:eastAsia="zh-CN"' in _xml(data, "word/styles.xml")
    fonts = _xml(data, "word/fontTable.xml")
    for name, alt in (("仿宋_GB2312", "Zhuque Fangsong"), ("方正小标宋简体", "Noto Serif SC"), ("黑体", "Noto Sans SC"),
                      ("楷体_GB2312", "Jiugai Kai")):
        assert f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>' in fonts
    document = _xml(data, "word/document.xml")
    assert '<w:docGrid w:type="linesAndChars" w:linePitch="579"' in document


@pytest.mark.parametrize("kind", [k.kind for k in kinds().values()])
def test_docx_tables_declare_their_real_widths_repeat_headers_and_keep_rows_whole(kind):
    from docx import Document
    from docx.oxml.ns import qn

    folder = {"declaration": "examples/declaration", "acceptance": "examples/acceptance", "handover": "examples/handover"}[kinds()[kind].stage]
    doc = Document(io.BytesIO(rendered(kind, folder, "docx")))
    for table in doc.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            cells = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row._tr.tc_lst]
            assert cells == grid
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        if len(grid) >= 3:
            assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for paragraph in doc.paragraphs:
        if HEADING.match(paragraph.text):
            assert paragraph.style.paragraph_format.keep_with_next


def test_docx_handover_code_and_date_columns_fit_their_longest_entry():
    from docx import Document

    doc = Document(io.BytesIO(rendered("handover-record", "examples/handover", "docx")))
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from service.render.fonts import FANGSONG, chain

    chain()
    table = doc.tables[0]
    for col in (1, 5):  # 档号, 日期 at 9 pt, less Word's cell margins
        width_pt = table.rows[0].cells[col].width.pt - 2 * 2.85
        longest = max(stringWidth(r.cells[col].text, FANGSONG, 9) for r in table.rows[1:])
        assert longest <= width_pt, (col, longest, width_pt)


def test_page_numbers_sit_one_character_in():
    data = rendered("notice", "examples/declaration", "docx")
    odd, even = _xml(data, "word/footer1.xml"), _xml(data, "word/footer2.xml")
    assert '<w:ind w:right="280"/>' in odd + even and '<w:ind w:left="280"/>' in odd + even


def test_faces_by_role_in_both_formats():
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(rendered("notice", "examples/declaration", "docx")))
    leads = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("（一）")]
    assert leads and leads[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    import pypdfium2

    page = pypdfium2.PdfDocument(rendered("notice", "examples/declaration", "pdf"))[0].get_textpage()
    fonts: dict[str, set] = {}
    name = ctypes.create_string_buffer(128)
    for i in range(page.count_chars()):
        pypdfium2.raw.FPDFText_GetFontInfo(page.raw, i, name, 128, None)
        fonts.setdefault(name.value.decode().split("+")[-1], set()).add(page.get_text_range(i, 1))
    assert "关" in fonts["NotoSerifSC-Regular"]  # the title
    assert "根" in fonts["ZhuqueFangsong-Regular"]  # the body
    assert "项" in fonts["NotoSansSC-Regular"]  # 一、项目概况
    assert "完" in fonts["JiugaiKai-Regular"]  # （一）完善基础设施


def test_pdf_paragraph_never_leaves_one_line_alone_at_a_page_top_or_foot():
    """Widow control, as the DOCX's styles ask of Word and LibreOffice."""
    from service.render import gbt9704 as g
    from service.render.fonts import FANGSONG, chain
    from service.render.grid import GridParagraph

    width = 156 * PT_PER_MM
    for count in (2, 3, 4, 5):
        para = GridParagraph(chain().runs("字" * (28 * count - 2), FANGSONG), g.BODY_PT, g.BODY_LEADING)
        assert len(para.lines(width)) == count
        for room in range(1, count + 1):
            parts = para.split(width, room * g.BODY_LEADING)
            sizes = [len(part.lines(width)) for part in parts]
            assert all(size >= 2 for size in sizes) and (not sizes or sum(sizes) == count), (count, room, sizes)


def test_pdf_heading_keeps_the_start_of_what_follows_not_all_of_it(tmp_path):
    """A heading followed by a long paragraph stays on its page with the paragraph's first lines (as
    Word's keepNext does): the 40-item notice's 二、改造内容 and its list begin on page 1."""
    from service.samples import edge_packages

    folder = next(p for p in edge_packages(tmp_path) if p.name == "forty-items")
    with open_package(folder) as package:
        data = render("notice", "pdf", package, checker().check(package), checker()).data
    first = body_lines(data, body_only=False)[0]
    at = next(i for i, line in enumerate(first) if line[0] == "二、改造内容")
    assert len(first) - at >= 3, [line[0] for line in first]
