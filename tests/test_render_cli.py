"""`jiugai render` as a clerk runs it, and package text that tries to break the documents."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from pypdf import PdfReader

from conftest import FIXTURES, unavailable
from pdftools import EXTB_MISSING, extension_b_font
from service.cli import main
from service.render.fonts import MissingGlyph, chain
from service.resources import templates

HOSTILE = "R&D <东段> {{ 7*7 }} {% if x %}\"'x 𠀾"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_render_writes_the_file_and_prints_its_number(capsys, tmp_path, suffix):
    out = tmp_path / f"公示.{suffix}"
    code, stdout, err = run(capsys, "render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(out))
    assert code == 0, err
    assert out.read_bytes()[:4] in (b"PK\x03\x04", b"%PDF")
    assert re.search(r"GS-[0-9A-F]{16}", stdout)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_blocked_document_exits_1_with_the_findings_and_writes_nothing(capsys, tmp_path):
    out = tmp_path / "cert.pdf"
    code, _, err = run(capsys, "render", "acceptance-certificate", str(FIXTURES / "acceptance" / "accept-conclusion"), "-o", str(out))
    assert code == 1 and "ACCEPT-CONCLUSION" in err and "不能出具验收证书" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_wrong_stage_exits_1(capsys, tmp_path):
    code, _, err = run(capsys, "render", "handover-record", str(FIXTURES / "examples" / "declaration"), "-o", str(tmp_path / "x.docx"), "--lang", "en")
    assert code == 1 and "made from a handover (档案移交) package, not from a declaration (计划申报) package" in err


@pytest.mark.parametrize("args,words", [
    (["render", "notice", "FIX/examples/declaration", "-o", "TMP/x.txt"], "must end in .docx or .pdf"),
    (["render", "notice", "TMP/nothing.zip", "-o", "TMP/x.pdf"], "does not exist"),
    (["render", "notice", "FIX/examples/declaration", "-o", "TMP/missing-folder/x.pdf"], "does not exist"),
])
def test_unusable_arguments_exit_2(capsys, tmp_path, args, words):
    args = [a.replace("FIX", str(FIXTURES)).replace("TMP", str(tmp_path)) for a in args]
    code, _, err = run(capsys, *args, "--lang", "en")
    assert code == 2 and words in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_untouched(capsys, tmp_path, monkeypatch):
    out = tmp_path / "notice.pdf"
    out.write_bytes(b"the clerk's earlier copy")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        main(["render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(out)])
    assert out.read_bytes() == b"the clerk's earlier copy"
    assert [p.name for p in tmp_path.iterdir()] == ["notice.pdf"]


def hostile_package(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    shutil.copytree(FIXTURES / "examples" / "declaration", folder)
    doc = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    doc["project"]["community"] = HOSTILE
    doc["submitter"]["contact"] = HOSTILE
    doc["public_notice"]["place"] = "公告栏 & <居委会>"
    (folder / "package.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return folder


def test_hostile_text_survives_in_word(capsys, tmp_path):
    out = tmp_path / "notice.docx"
    assert run(capsys, "render", "notice", str(hostile_package(tmp_path)), "-o", str(out))[0] == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert f"关于{HOSTILE}综合改造提升方案的公示" in text
    assert f"联系人：{HOSTILE}；" in text and "公告栏 & <居委会>" in text
    assert "49" not in text


def test_hostile_text_survives_in_pdf(capsys, tmp_path):
    if not extension_b_font():
        unavailable(EXTB_MISSING)
    out = tmp_path / "notice.pdf"
    assert run(capsys, "render", "notice", str(hostile_package(tmp_path)), "-o", str(out))[0] == 0
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(out)).pages))
    text = re.sub(r"—\d+—项目编号\S+?文书编号GS-[0-9A-F]{16}", "", text)  # a page's foot, where the text turns the page
    assert re.sub(r"\s+", "", f"联系人：{HOSTILE}；") in text
    assert "公告栏&<居委会>" in text


def test_a_character_no_font_covers_is_named(capsys, tmp_path, monkeypatch):
    fonts = chain(extra=())
    with pytest.raises(MissingGlyph) as missing:
        fonts.runs("陈𠀾", "JG-Serif")
    assert missing.value.char == "𠀾" and "U+2003E" in str(missing.value)
    monkeypatch.setenv("JIUGAI_PDF_FALLBACK_FONTS", "")
    chain.cache_clear()
    try:
        out = tmp_path / "notice.pdf"
        code, _, err = run(capsys, "render", "notice", str(hostile_package(tmp_path)), "-o", str(out))
        assert code == 3 and "𠀾" in err and "U+2003E" in err
        assert not out.exists()
    finally:
        chain.cache_clear()


@pytest.mark.parametrize("kind,folder", [("notice", "declaration"), ("acceptance-certificate", "acceptance"), ("handover-record", "handover"),
                                         ("subsidy-statement", "acceptance")])
def test_every_template_variable_is_in_the_context(kind, folder):
    from service.usecases.documents import Blocked  # noqa: F401  (import check)
    from service.domain.documents import document_number, kinds
    from service.domain.documents.common import Issue
    from service.adapters.reader import open_package
    from service.domain.ruleset import choose
    from service.services import checker

    with open_package(FIXTURES / "examples" / folder) as package:
        report = checker().check(package)
        k = kinds()[kind]
        ctx = k.context(package.data, report, choose(checker().rulesets, 2020), Issue(document_number(k, package.sha256), "http://x"))
    wanted = DocxTemplate(str(templates() / f"{kind}.docx")).get_undeclared_template_variables()
    # the Word renderer's own: the indent that centres 署名 over the date, the closing page's tightened leading
    wanted -= {"closing_unit_right", "tight_at"}
    assert wanted and wanted <= set(ctx), wanted - set(ctx)


def test_committed_templates_are_what_the_layouts_build():
    from service.render.docx_template import build
    from service.render.layouts import LAYOUTS, TEMPLATE_TITLES

    for kind, layout in ((k, LAYOUTS[k]) for k in TEMPLATE_TITLES):
        assert build(layout, TEMPLATE_TITLES[kind]) == (templates() / f"{kind}.docx").read_bytes(), f"run templates/build.py ({kind})"


def test_the_command_line_handover_record_is_a_reproducible_draft(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUGAI_PUBLIC_URL", "https://jiugai.example.gov.cn")  # else a warning on stderr
    folder = str(FIXTURES / "examples" / "handover")
    code, out, err = run(capsys, "render", "handover-record", folder, "-o", str(tmp_path / "a.pdf"))
    assert code == 0 and "YJ-DRAFT-" in out and "待编" in err  # the note is in Chinese by default
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "a.pdf").pages)
    assert "J001-2019-Y-待编" in text and "【草稿】" in text
    assert run(capsys, "render", "handover-record", folder, "-o", str(tmp_path / "b.pdf"))[0] == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    code, out, err = run(capsys, "render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(tmp_path / "n.pdf"))
    assert code == 0 and "DRAFT" not in out and err == ""  # a notice lists no archival codes: not a draft


def test_rendered_file_has_the_mode_the_umask_gives(capsys, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "notice.docx"
        code, _, err = run(capsys, "render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(out))
    finally:
        os.umask(old)
    assert code == 0, err
    assert out.stat().st_mode & 0o777 == 0o644


def test_render_warns_when_the_public_url_is_unset(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("JIUGAI_PUBLIC_URL", raising=False)
    code, _, err = run(capsys, "render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(tmp_path / "a.docx"))
    assert code == 0 and "JIUGAI_PUBLIC_URL" in err and "127.0.0.1" in err
    monkeypatch.setenv("JIUGAI_PUBLIC_URL", "https://jiugai.example.gov.cn")
    code, _, err = run(capsys, "render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(tmp_path / "b.docx"))
    assert code == 0 and "JIUGAI_PUBLIC_URL" not in err


def test_render_writes_the_subsidy_statement(capsys, tmp_path):
    out = tmp_path / "核定表.pdf"
    code, stdout, err = run(capsys, "render", "subsidy-statement", str(FIXTURES / "examples" / "acceptance"), "-o", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and re.search(r"BZ-[0-9A-F]{16}", stdout)
