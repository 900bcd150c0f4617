"""The three documents in both formats: content, same text, refusals, reproducibility, layout."""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from functools import lru_cache

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import FIXTURES, unavailable
from pdftools import EXTB_MISSING, PREFLIGHT_MISSING, extension_b_font, preflight, preflight_classpath
from service.adapters.reader import open_package
from service.usecases.documents import Blocked, render
from service.services import checker

VALID = {
    "notice": ["examples/declaration", "declaration/huilongmiaoqian-valid", "declaration/tiantangyuan-affordable-valid",
               "declaration/chaohui-234-valid"],
    "acceptance-certificate": ["examples/acceptance", "acceptance/epc-valid", "acceptance/chaohui-234-valid"],
    "handover-record": ["examples/handover", "handover/huilongmiaoqian-valid", "handover/chaohui-234-valid"],
    "subsidy-statement": ["examples/acceptance", "acceptance/epc-valid", "acceptance/chaohui-234-valid"],
}
CASES = [(kind, folder, fmt) for kind, folders in VALID.items() for folder in folders for fmt in ("docx", "pdf")]
NEEDS_EXTB = {"declaration/huilongmiaoqian-valid", "handover/huilongmiaoqian-valid"}  # 陈𠀾


@lru_cache(maxsize=None)
def rendered(kind: str, folder: str, fmt: str):
    if fmt == "pdf" and folder in NEEDS_EXTB and not extension_b_font():
        unavailable(EXTB_MISSING)
    with open_package(FIXTURES / folder) as package:
        report = checker().check(package)
        return render(kind, fmt, package, report, checker()), package.data


def docx_text(data: bytes) -> tuple[str, str]:
    """(body text with tables, footer text) of a .docx."""
    doc = Document(io.BytesIO(data))
    body = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            body += [cell.text for cell in row.cells]
    footer = [p.text for s in doc.sections for f in (s.footer, s.even_page_footer) for p in f.paragraphs]
    return "\n".join(body), "\n".join(footer)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind,folder,fmt", CASES)
def test_document_carries_the_package_facts(kind, folder, fmt):
    document, doc = rendered(kind, folder, fmt)
    text = squeeze(docx_text(document.data)[0] if fmt == "docx" else pdf_text(document.data))
    project = doc["project"]
    names = [c["name"] for c in project["communities"]] if "communities" in project else [project["community"]]
    assert all(squeeze(name) in text for name in names) and project["code"] in text
    if kind == "notice":
        assert squeeze(f"{int(doc['plan']['total_budget_yuan'].split('.')[0]):,}") in text
        start = doc["public_notice"]["start"]
        assert f"{int(start[:4])}年{int(start[5:7])}月{int(start[8:])}日" in text
        for item in doc["plan"]["items"]:
            assert squeeze(item["name"]) in text
    if kind == "acceptance-certificate":
        for p in doc["acceptance"]["participants"]:
            assert squeeze(p["organization"]) in text and p["representative"] in text
    if kind == "subsidy-statement":
        total = doc["final_accounts"]["total_yuan"]
        assert f"{int(total.split('.')[0]):,}.{total.split('.')[1]}元" in text
    if kind == "handover-record":
        for d in doc["handover"]["documents"]:
            assert squeeze(d["title"]) in text and d["date"].replace("-", "") in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_subsidy_statement_states_amounts_in_figures_and_capitals_dated_the_audit_day(fmt):
    data = rendered("subsidy-statement", "examples/acceptance", fmt)[0].data
    text = squeeze(pdf_text(data) if fmt == "pdf" else docx_text(data)[0])
    assert "竣工财务决算总额15,860,000.00元壹仟伍佰捌拾陆万元整" in text
    assert "其中：市级承担6,755,000.00元陆佰柒拾伍万伍仟元整" in text
    assert "其中：区级承担6,755,000.00元陆佰柒拾伍万伍仟元整" in text
    assert "1∶1" in text and "2021年1月8日" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_certificate_is_dated_the_acceptance_day_without_the_later_audit(fmt):
    data = rendered("acceptance-certificate", "examples/acceptance", fmt)[0].data
    text = squeeze(pdf_text(data) if fmt == "pdf" else docx_text(data)[0])
    assert "2020年12月18日" in text
    assert "2021年1月8日" not in text and "决算" not in text and "大写" not in text


def test_notice_wording_as_officials_write_it():
    text = squeeze(docx_text(rendered("notice", "examples/declaration", "docx")[0].data)[0])
    assert "特此公示。" in text and "拟申请市级补助资金6,900,000.00元" in text
    assert "32幢、1650套" in text and "1,650套" not in text


def test_notice_counts_the_working_days():
    text = squeeze(docx_text(rendered("notice", "examples/declaration", "docx")[0].data)[0])
    assert "公示期为2019年10月8日至2019年10月14日，共6个工作日。" in text


def test_handover_record_lists_archival_codes_and_digests():
    # Without the archive's registry (the command line) the codes are drafts: 件号 待编.
    record, _data = rendered("handover-record", "examples/handover", "docx")
    body, footer = docx_text(record.data)
    assert "J001-2019-Y-待编" in body and "J001-2020-C-待编" in body and "J001-2021-Y-待编" in body
    assert "12fdfec72e76" in body  # the first 12 hex digits of doc-declaration.pdf's SHA-256
    assert "【草稿】档号待档案馆受理移交后编定" in body
    assert record.number.startswith("YJ-DRAFT-") and record.number in footer


def test_handover_record_shows_the_codes_the_registry_allocated():
    from service.domain.archive import archived_documents

    with open_package(FIXTURES / "examples" / "handover") as package:
        report = checker().check(package)
        documents = archived_documents(package.data)
        archive = {d.sha256: f"J009-{d.year}-{d.retention}-{n + 40:04d}" for n, d in enumerate(documents)}
        record = render("handover-record", "pdf", package, report, checker(), archive=archive)
        draft = rendered("handover-record", "examples/handover", "pdf")[0]
    text = squeeze(pdf_text(record.data))
    assert "J009-2019-Y-0040" in text and "J009-2021-C-0047" in text and "待编" not in text and "草稿" not in text
    assert not record.number.startswith("YJ-DRAFT-") and record.number != draft.number


@pytest.mark.parametrize("kind", sorted(VALID))
def test_word_and_pdf_carry_the_same_text(kind):
    folder = VALID[kind][0]
    word, _footer = docx_text(rendered(kind, folder, "docx")[0].data)
    pdf = pdf_text(rendered(kind, folder, "pdf")[0].data)
    number = rendered(kind, folder, "pdf")[0].number
    # The PDF repeats table headers and prints page numbers and the provenance line on every page.
    pdf = re.sub(r"—\s*\d+\s*—", "", pdf)
    pdf = re.sub(r"项目编号\s*\S+\s*文书编号\s*" + number, "", pdf)
    assert Counter(squeeze(word)) == Counter(squeeze(pdf)) - Counter() or \
        Counter(squeeze(pdf)) - Counter(squeeze(word)) <= _repeated_headers(kind)


def _repeated_headers(kind: str) -> Counter:
    from service.render.layouts import LAYOUTS, Table

    extra = Counter()
    for block in LAYOUTS[kind]:
        if isinstance(block, Table):
            for _ in range(3):  # a table may continue over up to three more pages
                extra += Counter(squeeze("".join(c.header for c in block.columns)))
    return extra


def test_every_docx_names_the_gbt_fonts_with_east_asian_attributes():
    data = rendered("notice", "examples/declaration", "docx")[0].data
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    for font in ("仿宋_GB2312", "方正小标宋简体", "黑体"):
        assert f'w:eastAsia="{font}"' in styles
    section = Document(io.BytesIO(data)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]


def test_footer_carries_project_code_document_number_and_page_number():
    document, doc = rendered("notice", "examples/declaration", "docx")
    _body, footer = docx_text(document.data)
    assert f"项目编号 {doc['project']['code']}\u3000文书编号 {document.number}" in footer
    xml = zipfile.ZipFile(io.BytesIO(document.data)).read("word/footer1.xml").decode() if "word/footer1.xml" in \
        zipfile.ZipFile(io.BytesIO(document.data)).namelist() else ""
    assert 'w:instr="PAGE"' in xml and "— " in xml


@pytest.mark.parametrize("kind,folder,fmt", CASES)
def test_two_renders_are_byte_identical(kind, folder, fmt):
    first, _ = rendered(kind, folder, fmt)
    rendered.cache_clear()
    second, _ = rendered(kind, folder, fmt)
    assert first.data == second.data and first.number == second.number


def test_pdf_is_a4_with_every_font_embedded():
    data = rendered("acceptance-certificate", "examples/acceptance", "pdf")[0].data
    reader = PdfReader(io.BytesIO(data))
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font.get("/BaseFont")
    assert b"Helvetica" not in data


def test_pdf_page_one_has_a_qr_code_of_the_verification_address():
    import pypdfium2
    import zxingcpp

    document, _ = rendered("notice", "examples/declaration", "pdf")
    image = pypdfium2.PdfDocument(document.data)[0].render(scale=3).to_pil()
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == [f"http://127.0.0.1:8000/verify/{document.number}"]


@pytest.mark.parametrize("kind,folder", [(k, f) for k, fs in VALID.items() for f in fs])
def test_no_pdf_page_is_empty(kind, folder):
    import pypdfium2

    document, _ = rendered(kind, folder, "pdf")
    for n, page in enumerate(pypdfium2.PdfDocument(document.data), start=1):
        image = page.render(scale=0.5).to_pil().convert("L")
        w, h = image.size
        type_area = image.crop((int(w * 28 / 210), int(h * 37 / 297), int(w * 184 / 210), int(h * 262 / 297)))
        assert type_area.getextrema()[0] < 128, f"page {n} of {kind} from {folder} is empty"


@pytest.mark.parametrize("kind,folder", [(k, f) for k, fs in VALID.items() for f in fs])
def test_every_pdf_passes_preflight_as_pdf_a_1b(kind, folder):
    if not preflight_classpath():
        unavailable(PREFLIGHT_MISSING)
    valid, report = preflight(rendered(kind, folder, "pdf")[0].data)
    assert valid, report


# -- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,folder,rules", [
    ("notice", "examples/acceptance", ["DOCUMENT-STAGE"]),
    ("acceptance-certificate", "acceptance/accept-conclusion", ["ACCEPT-CONCLUSION"]),
    ("acceptance-certificate", "acceptance/impl-dates", ["IMPL-DATES"]),
    ("notice", "declaration/plan-menu", ["PLAN-MENU", "PLAN-MENU"]),
    ("notice", "declaration/calendar-coverage", ["CALENDAR-COVERAGE"]),
    ("handover-record", "handover/archive-pages", ["ARCHIVE-PAGES"]),
])
def test_blocking_findings_refuse_the_document(kind, folder, rules):
    with open_package(FIXTURES / folder) as package:
        report = checker().check(package)
        with pytest.raises(Blocked) as refused:
            render(kind, "pdf", package, report, checker())
    assert [f.rule for f in refused.value.findings] == rules


@pytest.mark.parametrize("folder", ["declaration/consent-double-two-thirds", "declaration/notice-order",
                                    "declaration/decl-deadline", "declaration/attachment-missing"])
def test_notice_prints_while_owners_still_vote(folder):
    with open_package(FIXTURES / folder) as package:
        report = checker().check(package)
        assert not report.valid
        assert render("notice", "docx", package, report, checker()).data


def test_notice_prints_from_a_bare_package_json():
    with open_package(FIXTURES / "examples" / "declaration" / "package.json") as package:
        report = checker().check(package)
        assert {f.rule for f in report.errors} == {"ATTACHMENT-MISSING"}
        assert render("notice", "pdf", package, report, checker()).data.startswith(b"%PDF-1.4")


def test_the_11_notice_names_its_communities_only_when_it_has_several():
    import io

    from docx import Document

    from test_print_fidelity import rendered

    def text(folder: str) -> str:
        return "\n".join(p.text for p in Document(io.BytesIO(rendered("notice", folder, "docx"))).paragraphs)

    one, three = text("examples-1.1/declaration"), text("declaration/chaohui-234-valid")
    assert "共1个小区" not in one and "朝晖一区位于" in one
    assert "包括朝晖二区、朝晖三区、朝晖四区共3个小区。" in three
