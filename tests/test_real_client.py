"""The DOCX as a clerk's office opens it: every generated Word file converted by LibreOffice headless
(one batch: conversions are slow), with the GB/T font names mapped to the shipped faces as an
office PC maps them (tests/office/fonts.conf), compared with our own PDF of the same document."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, unavailable
from pdftools import extension_b_font
from service.adapters.reader import open_package
from service.usecases.documents import render
from service.domain.documents import kinds
from service.domain.documents.common import Issue
from service.domain.ruleset import choose
from service.samples import edge_packages
from service.services import checker

HERE = Path(__file__).resolve().parent
MISSING = ("LibreOffice (Debian's libreoffice-writer-nogui) or pdftotext (poppler-utils) is not installed: "
           "the DOCX is not opened as an office opens it here; .ci/run installs them")
FOLDERS = ["examples/declaration", "examples/acceptance", "examples/handover", "declaration/chaohui-234-valid",
           "acceptance/chaohui-234-valid", "handover/chaohui-234-valid"]
WHOLE: dict[str, list[str]] = {}  # per handover record: the codes and dates it must print whole
PDFS: dict[str, tuple[Path, Path]] = {}  # per document: (our PDF, LibreOffice's PDF of its DOCX)
DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")  # pdftotext may space LibreOffice's digits
CODE = re.compile(r"[A-Z0-9]{2,8}-\d{4}-[A-Z]{1,2}-\d{4}")
# Per document: a line of a list table's body (what shows the table reaches a page) and its header's first cell.
TABLES = {"notice": [(re.compile(r"^\s*\d+\s+\S.*\d,\d{3}\.\d{2}\s*$"), "序号")],
          "handover-record": [(CODE, "档号")],
          "subsidy-statement": [(re.compile(r"[壹贰叁肆伍陆柒捌玖零][拾佰仟万亿]?.*[元角分整]\s*$"), "大写")],
          "acceptance-certificate": []}


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """{name: (our PDF's pages, LibreOffice's pages, the names and codes the document prints)}."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftotext"):
        unavailable(MISSING)
    work = tmp_path_factory.mktemp("office")
    folders = [FIXTURES / f for f in FOLDERS] + [p for p in edge_packages(work)
                                                 if extension_b_font() or p.name != "rare-name"]
    words, ours, codes = work / "docx", work / "ours", {}
    words.mkdir()
    ours.mkdir()
    for folder in folders:
        with open_package(folder) as package:
            report = checker().check(package)
            for kind in (k for k in kinds().values() if k.stage == package.stage):
                name = f"{folder.parent.name}-{folder.name}-{kind.kind}"
                (words / f"{name}.docx").write_bytes(render(kind.kind, "docx", package, report, checker()).data)
                (ours / f"{name}.pdf").write_bytes(render(kind.kind, "pdf", package, report, checker()).data)
                codes[name] = kind.kind
                if kind.kind == "handover-record":
                    ctx = kind.context(package.data, report, choose(checker().rulesets, 2020), Issue("YJ-0", "http://x"))
                    WHOLE[name] = [r["code"] for r in ctx["documents"]] + [r["date"] for r in ctx["documents"] if r["date"]]
    env = {**os.environ, "FONTCONFIG_FILE": str(HERE / "office" / "fonts.conf"), "HOME": str(work),
           "XDG_CACHE_HOME": str(work / "cache")}
    office = work / "office"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(office), *sorted(map(str, words.glob("*.docx")))],
                   env=env, capture_output=True, timeout=900, check=True)
    PDFS.update({name: (ours / f"{name}.pdf", office / f"{name}.pdf") for name in codes})
    return {name: (kind, _pages(ours / f"{name}.pdf"), _pages(office / f"{name}.pdf")) for name, kind in codes.items()}


def _both(converted):
    for name, (kind, ours, office) in sorted(converted.items()):
        yield name, kind, "ours", ours
        yield name, kind, "LibreOffice", office


def test_same_page_count(converted):
    differ = {name: (len(ours), len(office)) for name, (_k, ours, office) in converted.items() if len(ours) != len(office)}
    assert not differ, f"pages (ours, LibreOffice's): {differ}"


def test_last_page_holds_body_text_and_the_closing_block(converted):
    for name, _kind, who, pages in _both(converted):
        lines = [line.strip() for line in pages[-1].splitlines() if line.strip()]
        dated = [i for i, line in enumerate(lines) if DATE.search(line) and not line.startswith("日期")]
        assert dated, f"{who} {name}: no date on the last page"
        body = [line for line in lines[:dated[-1]] if not re.search(r"街道办事处$|办公室$|^移交|^接收|^签字|^日期", line)]
        assert len(body) >= 2, f"{who} {name}: the closing block stands alone on the last page:\n{pages[-1]}"


def test_no_archival_code_or_date_is_split(converted):
    for name, kind, who, pages in _both(converted):
        if kind != "handover-record":
            continue
        text = "\n".join(pages)
        for whole in WHOLE[name]:  # each 档号 and 8-digit date of the catalogue on one line, unbroken
            assert whole in text, f"{who} {name}: {whole} is split across lines"


def test_table_header_on_every_page_a_table_reaches(converted):
    for name, kind, who, pages in _both(converted):
        for row, header in TABLES[kind]:
            for n, page in enumerate(pages, start=1):
                if any(row.search(line) for line in page.splitlines()):
                    assert header in page, f"{who} {name}: page {n} holds table rows without the header {header}"


def _foot(pdf: Path) -> tuple[float, float]:
    """Page 1's page number and provenance line: the bottom of each (points from the page's foot)."""
    import pypdfium2

    page = pypdfium2.PdfDocument(str(pdf))[0]
    text = page.get_textpage()
    bottoms: dict[str, float] = {}
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if ch in "—文":  # the page number's dash, the provenance's 文书编号
            _left, bottom, _right, _top = text.get_charbox(i)
            bottoms[ch] = min(bottoms.get(ch, bottom), bottom)
    return bottoms["—"], bottoms["文"]


def test_page_number_and_provenance_sit_where_the_pdf_puts_them(converted):
    for name in ("examples-declaration-notice", "examples-handover-handover-record"):
        ours, office = PDFS[name]
        for mine, theirs, what in zip(_foot(ours), _foot(office), ("page number", "provenance line")):
            assert abs(mine - theirs) < 2 * 72 / 25.4, f"{name}: the {what} is {abs(mine - theirs) / 72 * 25.4:.1f} mm off"
