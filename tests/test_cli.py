"""`jiugai check` as a street office runs it: exit codes, JSON, languages, and hostile input."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from service.cli import main

EXAMPLES = FIXTURES / "examples"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def zip_dir(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, prefix + path.relative_to(folder).as_posix())
    return target


@pytest.mark.parametrize("examples", ["examples", "examples-1.1"])
@pytest.mark.parametrize("stage", ["declaration", "acceptance", "handover"])
def test_examples_are_valid_as_folders_and_zips(capsys, tmp_path, stage, examples):
    folder = FIXTURES / examples / stage
    assert run(capsys, "check", str(folder))[0] == 0
    assert run(capsys, "check", str(zip_dir(folder, tmp_path / "p.zip")))[0] == 0


def test_a_project_of_three_communities_reads_as_such(capsys):
    code, out, _ = run(capsys, "check", str(FIXTURES / "declaration" / "elig-demolition-1.1"), "--format", "json", "--lang", "en")
    report = json.loads(out)
    assert code == 1 and report["project"] == "XC-2020-008"
    assert [(e["rule"], e["path"]) for e in report["errors"]] == [("ELIG-DEMOLITION", "/project/communities/2/in_demolition_plan")]


def test_json_report_has_exactly_the_fields_of_rules_md(capsys):
    code, out, _ = run(capsys, "check", str(FIXTURES / "declaration" / "consent-double-two-thirds"), "--format", "json")
    assert code == 1
    report = json.loads(out)
    # a declaration's report names the law its votes were judged by (programme.md)
    assert list(report) == ["valid", "stage", "project", "ruleset", "law", "errors", "warnings", "computed"]
    assert report["valid"] is False and report["ruleset"] == "xiacheng-2019" and report["law"] == "property-law-2007"
    area = report["errors"][0]
    assert list(area) == ["rule", "path", "message", "clause"]
    assert area["rule"] == "CONSENT-DOUBLE-TWO-THIRDS" and area["clause"] == "三（四）1"
    assert "61333.33" in area["message"] and "66.66%" in area["message"] and "三分之二" in area["message"]
    assert report["computed"]["consent_owner_ratio"] == "1099/1650"


def test_english_on_request(capsys):
    _, out, _ = run(capsys, "check", str(FIXTURES / "declaration" / "consent-double-two-thirds"), "--format", "json", "--lang", "en")
    message = json.loads(out)["errors"][1]["message"]
    assert message.startswith("1099 of 1650 owners agreed") and "at least 1100 owners" in message


def test_bare_package_json_is_a_dry_run_listing_every_missing_file(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "declaration" / "package.json"), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert {e["rule"] for e in report["errors"]} == {"ATTACHMENT-MISSING"}
    assert len(report["errors"]) == 8


def test_a_package_zipped_inside_its_folder_is_accepted(capsys, tmp_path):
    target = zip_dir(EXAMPLES / "acceptance", tmp_path / "wrapped.zip", prefix="朝晖一区验收/")
    assert run(capsys, "check", str(target))[0] == 0


def test_gbk_file_names_from_chinese_windows(capsys, tmp_path):
    source = FIXTURES / "declaration" / "huilongmiaoqian-valid"
    target = tmp_path / "gbk.zip"
    swaps = {}
    with zipfile.ZipFile(target, "w") as z:
        for n, path in enumerate(sorted(source.rglob("*"))):
            if path.is_file():
                gbk = path.relative_to(source).as_posix().encode("gbk")
                placeholder = f"~{n:03d}~".encode().ljust(len(gbk), b"_") if not gbk.isascii() else gbk
                swaps[placeholder] = gbk
                z.writestr(zipfile.ZipInfo(placeholder.decode(), (2020, 10, 28, 9, 0, 0)), path.read_bytes())
    # Put the GBK bytes where the ASCII placeholders were, without the UTF-8 flag, as
    # Windows' own zip tool writes them.
    raw = target.read_bytes()
    for placeholder, gbk in swaps.items():
        raw = raw.replace(placeholder, gbk)
    target.write_bytes(raw)
    with zipfile.ZipFile(target) as z:
        assert any(not (i.flag_bits & 0x800) and not i.filename.isascii() for i in z.infolist())
    code, out, err = run(capsys, "check", str(target), "--format", "json")
    assert err == "" and code == 0, out


def _hostile_zip(tmp_path, entries: list[tuple[str, bytes]], symlink: str | None = None) -> Path:
    target = tmp_path / "hostile.zip"
    with zipfile.ZipFile(target, "w") as z:
        z.writestr("package.json", (EXAMPLES / "declaration" / "package.json").read_bytes())
        for name, data in entries:
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return target


@pytest.mark.parametrize("entries,symlink,words", [
    ([("../../evil.txt", b"x")], None, "escapes the package"),
    ([("/etc/evil.txt", b"x")], None, "absolute path"),
    ([("C:/evil.txt", b"x")], None, "absolute path"),
    ([("attachments\\..\\..\\evil.txt", b"x")], None, "escapes the package"),
    ([], "attachments/link.pdf", "symbolic link"),
    ([("attachments/a.pdf", b"1"), ("attachments/a.pdf", b"2")], None, "twice"),
])
@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_unsafe_zips_exit_2_with_one_line_and_write_nothing(capsys, tmp_path, entries, symlink, words):
    target = _hostile_zip(tmp_path, entries, symlink)
    before = set(Path("/tmp").glob("jiugai-unzip-*"))
    code, out, err = run(capsys, "check", str(target), "--lang", "en")
    assert code == 2 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/etc/evil.txt").exists()
    assert set(Path("/tmp").glob("jiugai-unzip-*")) == before  # the private unpack folder is gone too


def test_zip_bomb_is_stopped_by_what_really_inflates(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUGAI_MAX_UNPACKED_BYTES", str(4 << 20))
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("package.json", (EXAMPLES / "declaration" / "package.json").read_bytes())
        z.writestr("attachments/bomb.pdf", os.urandom(6 << 20))  # over the limit, though not a 200:1 bomb
    code, out, err = run(capsys, "check", str(target), "--lang", "en")
    assert code == 2 and f"more than {4 << 20} bytes" in err


def test_too_many_entries(capsys, tmp_path):
    target = tmp_path / "many.zip"
    with zipfile.ZipFile(target, "w") as z:
        z.writestr("package.json", b"{}")
        for i in range(2001):
            z.writestr(f"f/{i}.txt", b"")
    code, _, err = run(capsys, "check", str(target), "--lang", "en")
    assert code == 2 and "more than 2000 entries" in err


@pytest.mark.parametrize("content,words", [
    (b"PK\x03\x04 not really a zip", "not a readable zip"),
    (b'{"stage": "declaration",', "not valid JSON"),
    (b'\xff\xfe{\x00}\x00', "not UTF-8"),
    (b'{"a": NaN}', "NaN"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
])
def test_unreadable_input_exits_2(capsys, tmp_path, content, words):
    target = tmp_path / "package.json"
    target.write_bytes(content)
    code, out, err = run(capsys, "check", str(target), "--lang", "en")
    assert code == 2 and words in err and out == ""


def test_missing_path_exits_2_in_chinese_by_default(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nowhere.zip"))
    assert code == 2 and "不存在" in err


def test_utf8_bom_is_accepted(capsys, tmp_path):
    target = tmp_path / "package.json"
    target.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "declaration" / "package.json").read_bytes())
    code, out, _ = run(capsys, "check", str(target), "--format", "json")
    assert code == 1 and {e["rule"] for e in json.loads(out)["errors"]} == {"ATTACHMENT-MISSING"}


def test_json_that_is_not_an_object_is_a_finding_not_a_crash(capsys, tmp_path):
    target = tmp_path / "package.json"
    target.write_text("[1, 2]")
    code, out, _ = run(capsys, "check", str(target), "--format", "json")
    assert code == 1 and json.loads(out)["errors"][0]["rule"] == "SCHEMA"


def test_console_script_runs_the_declaration_example_quickly():
    script = Path(sys.executable).parent / "jiugai"
    result = subprocess.run([str(script), "check", str(EXAMPLES / "declaration")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "合规" in result.stdout
