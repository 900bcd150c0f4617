"""The closing block's page (documents.md, Print fidelity): when 署名 and 日期 cannot share their page
with the end of the body, that page's line spacing is tightened (GB/T 9704 7.3.5.4) in the PDF and,
from the PDF's layout, in the Word file; headings keep with the start of what follows, as Word's
keepNext does; a paragraph never leaves one line alone at a page's foot or top."""
from __future__ import annotations

import io
import zipfile

import pytest

from conftest import FIXTURES
from service.adapters.reader import open_package
from service.domain.documents import kinds
from service.domain.documents.common import Issue
from service.domain.ruleset import choose
from service.render import gbt9704 as g
from service.render import pdf
from service.render.layouts import LAYOUTS
from service.services import checker
from test_print_fidelity import BOTTOM, body_lines, rendered

TIGHTENED = ("subsidy-statement", "acceptance/chaohui-234-valid")  # its closing block does not fit at 28.95 pt
UNTOUCHED = ("handover-record", "examples/handover")


def _context(kind: str, folder: str) -> dict:
    with open_package(FIXTURES / folder) as package:
        report = checker().check(package)
        k = kinds()[kind]
        return k.context(package.data, report, choose(checker().rulesets, 2020), Issue("HD-0", "http://127.0.0.1:8000"))


def _gaps(lines) -> list[float]:
    return [round(a[3] - b[3], 2) for a, b in zip(lines, lines[1:])]


def test_pdf_tightens_the_closing_page_rather_than_turn_it():
    from datetime import date

    kind, folder = TIGHTENED
    ctx = _context(kind, folder)
    loose = pdf.MIN_TIGHT
    try:
        pdf.MIN_TIGHT = 1.0  # no tightening allowed: the closing block and two lines turn the page
        turned = pdf.render(LAYOUTS[kind], ctx, date(2021, 1, 8), "t")
    finally:
        pdf.MIN_TIGHT = loose
    plan: dict = {}
    tight = pdf.render(LAYOUTS[kind], ctx, date(2021, 1, 8), "t", plan=plan)
    assert len(body_lines(turned)) == 2 and len(body_lines(tight)) == 1
    page, factor = plan["tight"]
    assert page == 1 and pdf.MIN_TIGHT <= factor < 1
    gaps = _gaps(body_lines(tight)[0])
    # the body's lines closer than the grid's 28.95 pt, never closer than the floor of 23.16 pt
    assert min(gaps) >= round(pdf.MIN_TIGHT * g.BODY_LEADING, 2) - 0.1
    assert any(gap < g.BODY_LEADING - 1 for gap in gaps)


def test_pdf_keeps_the_grid_leading_where_the_closing_block_fits():
    kind, folder = UNTOUCHED
    for lines in body_lines(rendered(kind, folder, "pdf")):
        assert all(gap >= g.BODY_LEADING - 0.1 for gap in _gaps(lines)), _gaps(lines)  # baselines rounded to 0.1


def test_docx_tightens_the_same_paragraphs_as_the_pdf():
    kind, folder = TIGHTENED
    plan = pdf.plan(LAYOUTS[kind], _context(kind, folder))
    assert plan["tight"][0] == 1
    document = zipfile.ZipFile(io.BytesIO(rendered(kind, folder, "docx"))).read("word/document.xml").decode()
    line = int(g.BODY_LINE_TWIPS * plan["tight"][1])
    assert f'<w:snapToGrid w:val="0"/><w:spacing w:line="{line}" w:lineRule="exact"/>' in document
    untouched = zipfile.ZipFile(io.BytesIO(rendered(*UNTOUCHED, "docx"))).read("word/document.xml").decode()
    assert 'w:lineRule="exact"/>' not in untouched.split("<w:body>")[1].split("<w:tbl>")[0]


def test_heading_keeps_with_the_start_of_a_long_paragraph_not_all_of_it():
    # the 1.1 notice: page 1 ends where 二、改造内容 and two lines of what follows no longer fit (it
    # left four lines empty when the heading took all of 二 with it)
    pages = body_lines(rendered("notice", "declaration/chaohui-234-valid", "pdf"), body_only=False)
    free_lines = (pages[0][-1][3] - BOTTOM) / g.BODY_LEADING
    assert free_lines < 3, f"page 1 ends {free_lines:.1f} lines above the type area's foot"
    assert pages[1][0][0].startswith("二、改造内容")


def test_no_paragraph_leaves_a_single_line_at_a_page_foot_or_top():
    from service.render.fonts import FANGSONG, chain
    from service.render.grid import GridParagraph

    chain()
    text = "改" * (28 * 4 + 5)  # five lines
    para = GridParagraph([(FANGSONG, text)], 16, g.BODY_LEADING)
    width = 156 * 72 / 25.4
    para.wrap(width, 1000)
    assert para.split(width, 1.5 * g.BODY_LEADING) == []  # one line would be alone at the foot
    head, rest = para.split(width, 4.2 * g.BODY_LEADING)  # four would leave one alone at the top
    assert (head.line_count(), rest.line_count()) == (3, 2)
    head, rest = para.split(width, 2.2 * g.BODY_LEADING)
    assert (head.line_count(), rest.line_count()) == (2, 3)


def test_the_closing_block_takes_a_whole_three_line_paragraph_rather_than_leave_one_line():
    from service.render.fonts import FANGSONG, chain
    from service.render.grid import GridParagraph
    from service.render.pdf_story import _tail

    chain()
    three = GridParagraph([(FANGSONG, "改" * (28 * 2 + 5))], 16, g.BODY_LEADING, indent_chars=2)
    flow = [three]
    taken = _tail(flow)
    assert flow == [] and taken == [three]  # not one line left behind and two taken
    five = GridParagraph([(FANGSONG, "改" * (28 * 4 + 5))], 16, g.BODY_LEADING, indent_chars=2)
    flow = [five]
    taken = _tail(flow)
    assert [p.line_count() for p in flow] == [3] and [p.line_count() for p in taken] == [2]
