"""Issue 12, hostile input: numbers the rules cannot use, names that lie, bombs — each attack performed
against the service (SQLite and PostgreSQL), with its answer, what is stored and what is left behind."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from hardening_support import EXAMPLE_JSON, big_png, changed, leftovers, package_zip, sign_in, stored
from service_support import database, example, service  # noqa: F401

AREA = '"floor_area_m2": 98500.5'

# Unreadable: refused before anything is stored, whatever the database.
UNREADABLE = {
    "infinite area": (changed(AREA, '"floor_area_m2": 1e400'), "too large to be finite", "太大"),
    "infinite unknown key": (changed('"format_version": "1.0",', '"note": 1e400, "format_version": "1.0",'), "1e400", "1e400"),
    "31-digit integer": (changed('"households": 1650', '"households": 1' + "0" * 30), "31 digits", "31 位"),
    "5000-digit integer": (changed('"households": 1650', '"households": ' + "9" * 5000), "5000 digits", "5000 位"),
    "duplicate key": (changed('"households": 1650', '"households": 1650, "households": 16500'), "“households” twice", "两次"),
    "300 deep": (changed('"format_version": "1.0",', '"note": ' + "[" * 300 + "]" * 300 + ', "format_version": "1.0",'), "nested", "嵌套"),
    "980 deep": (changed('"format_version": "1.0",', '"note": ' + "[" * 980 + "]" * 980 + ', "format_version": "1.0",'), "nested", "嵌套"),
}


def healthy(rt, api) -> None:
    """The service still answers, and still takes a good package."""
    assert api(None, "GET", "/api/v1/health").status_code == 200
    response = api.submit("chaohui", example("declaration"))
    assert response.status_code == 201 and response.json["status"] == "accepted"


def test_unreadable_numbers_keys_and_nesting_are_400_and_store_nothing(service):
    rt, api = service
    for case, (text, english, chinese) in UNREADABLE.items():
        body = package_zip(text)
        before = stored(rt)
        zh = api("chaohui", "POST", "/api/v1/packages", data=body, content_type="application/zip")
        en = api("chaohui", "POST", "/api/v1/packages?lang=en", data=body, content_type="application/zip")
        assert (zh.status_code, en.status_code) == (400, 400), case
        assert chinese in zh.json["error"]["message"] and english in en.json["error"]["message"], (case, zh.json, en.json)
        checked = api("chaohui", "POST", "/api/v1/check", data=body, content_type="application/zip")
        assert checked.status_code == 400, case
        assert stored(rt) == before and leftovers(rt.settings.data_dir) == [], case
    healthy(rt, api)


# Readable but out of the schema's bounds: a SCHEMA finding, the package stored as rejected.
OUT_OF_BOUNDS = {
    "area 1e27": (changed(AREA, '"floor_area_m2": 1e27'), "/project/floor_area_m2"),
    "plan year of 30 digits": (changed('"plan_year": 2020', '"plan_year": 1' + "0" * 29), "/project/plan_year"),
    "two million households": (changed('"households": 1650', '"households": 2000000'), "/project/households"),
    "built in 1800": (changed('"built_year": 1984', '"built_year": 1800'), "/project/built_year"),
    "budget of 10^13 yuan": (None, "/plan/total_budget_yuan"),
}


def test_numbers_out_of_bounds_are_schema_findings_on_a_rejected_package(service):
    rt, api = service
    for case, (text, pointer) in OUT_OF_BOUNDS.items():
        if text is None:
            doc = json.loads(EXAMPLE_JSON)
            doc["plan"]["total_budget_yuan"] = "10000000000000.00"
            text = json.dumps(doc, ensure_ascii=False)
        response = api("chaohui", "POST", "/api/v1/packages?lang=en", data=package_zip(text), content_type="application/zip")
        assert response.status_code == 201 and response.json["status"] == "rejected", case
        schema = [e for e in response.json["report"]["errors"] if e["rule"] == "SCHEMA"]
        assert [e["path"] for e in schema] == [pointer], (case, schema)
        shown = api("chaohui", "GET", f"/api/v1/packages/{response.json['id']}")
        assert shown.status_code == 200 and shown.json["status"] == "rejected", case
        checked = api("chaohui", "POST", "/api/v1/check", data=package_zip(text), content_type="application/zip")
        assert checked.status_code == 200, case
        assert leftovers(rt.settings.data_dir) == [], case
    listed = api("clerk", "GET", "/api/v1/packages?status=rejected")
    assert listed.status_code == 200 and listed.json["total"] == len(OUT_OF_BOUNDS)
    healthy(rt, api)


def test_the_money_limit_is_said_in_words(service):
    rt, api = service
    doc = json.loads(EXAMPLE_JSON)
    doc["plan"]["total_budget_yuan"] = "10000000000000.00"
    response = api("chaohui", "POST", "/api/v1/packages", data=package_zip(json.dumps(doc, ensure_ascii=False)), content_type="application/zip")
    [finding] = [e for e in response.json["report"]["errors"] if e["rule"] == "SCHEMA"]
    assert "1000000000000.00" in finding["message"] and "最大金额" in finding["message"]


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


def test_the_command_line_reports_numbers_without_a_traceback(tmp_path):
    huge, infinite = tmp_path / "huge.zip", tmp_path / "infinite.zip"
    huge.write_bytes(package_zip(changed(AREA, '"floor_area_m2": 1e27')))
    infinite.write_bytes(package_zip(changed(AREA, '"floor_area_m2": 1e400')))
    found = run_cli("check", str(huge), "--format", "json")
    assert found.returncode == 1 and "Traceback" not in found.stderr
    assert {e["path"] for e in json.loads(found.stdout)["errors"] if e["rule"] == "SCHEMA"} == {"/project/floor_area_m2"}
    refused = run_cli("check", str(infinite), "--lang", "en")
    assert refused.returncode == 2 and "too large to be finite" in refused.stderr and "Traceback" not in refused.stderr


def test_twenty_digit_query_parameters_are_no_500(service):
    rt, api = service
    api.submit("chaohui", example("declaration"))
    twenty = "9" * 20
    for url in (f"/api/v1/packages?page={twenty}", f"/api/v1/packages?plan_year={twenty}", f"/api/v1/packages?per_page={twenty}"):
        response = api("clerk", "GET", url)
        assert response.status_code == 400 and response.json["error"]["code"] == "invalid_request", url
    sign_in(api.client, "clerk")
    for url in (f"/packages?page={twenty}", f"/packages?plan_year={twenty}", f"/packages?page={twenty}&plan_year={twenty}",
                f"/overview?plan_year={twenty}", "/packages?plan_year=٢٠٢٠"):
        assert api.client.get(url).status_code == 200, url


def test_random_bytes_are_not_a_package_rather_than_bad_utf8_or_json(service):
    rt, api = service
    before = stored(rt)
    for body in (os.urandom(4096), b"%PDF-1.7\n" + os.urandom(2000), b"\x00" * 100):
        response = api("chaohui", "POST", "/api/v1/packages?lang=en", data=body, content_type="application/zip")
        message = response.json["error"]["message"]
        assert response.status_code == 400 and "neither a zip file nor a package.json" in message
        assert "UTF-8" not in message and "JSON:" not in message
        zh = api("chaohui", "POST", "/api/v1/packages", data=body, content_type="application/zip")
        assert "既不是 zip 文件" in zh.json["error"]["message"]
    assert stored(rt) == before and leftovers(rt.settings.data_dir) == []


def test_random_bytes_on_the_command_line(tmp_path):
    target = tmp_path / "package.zip"
    target.write_bytes(b"\x13\x37" + os.urandom(1000))
    result = run_cli("check", str(target), "--lang", "en")
    assert result.returncode == 2 and "neither a zip file nor a package.json" in result.stderr


# Names the street chose: refused, never renamed.
def _with_raw_name(visible_name: str, raw_name: bytes) -> bytes:
    """A package zip holding an entry whose stored name is `raw_name` (bytes zipfile would not write)."""
    body = package_zip(EXAMPLE_JSON, extra={visible_name: b"x"})
    assert len(visible_name.encode()) == len(raw_name) and body.count(visible_name.encode()) == 2
    return body.replace(visible_name.encode(), raw_name)


@pytest.mark.parametrize("name,raw,shown", [
    ("attachments/a.pdfX.exe", b"attachments/a.pdf\x00.exe", "a.pdf\\u0000.exe"),
    ("attachments/\u202efdp.exe", "attachments/\u202efdp.exe".encode(), "\\u202efdp.exe"),
    ("attachments/a\u2066b.pdf", "attachments/a\u2066b.pdf".encode(), "a\\u2066b.pdf"),
    ("attachments/tabX.pdf", b"attachments/tab\t.pdf", "tab\\u0009.pdf"),
])
def test_entry_names_with_nul_control_or_bidi_are_refused_escaped(service, tmp_path, name, raw, shown):
    rt, api = service
    body = _with_raw_name(name, raw)
    before = stored(rt)
    response = api("chaohui", "POST", "/api/v1/packages?lang=en", data=body, content_type="application/zip")
    assert response.status_code == 400 and shown in response.json["error"]["message"], response.json
    assert "\u202e" not in response.json["error"]["message"] and "\x00" not in response.json["error"]["message"]
    assert stored(rt) == before and leftovers(rt.settings.data_dir) == []
    target = tmp_path / "p.zip"
    target.write_bytes(body)
    result = run_cli("check", str(target), "--lang", "en")
    assert result.returncode == 2 and shown in result.stderr


BAD_FILE_NAMES = ["attachments/a<b>.pdf", 'attachments/a"b.pdf', "attachments/a|b?.pdf", "attachments/CON.pdf", "attachments/nul",
                  "attachments/design.pdf.", "attachments/design.pdf ", "attachments/\u202efdp.pdf", "attachments/a\u0085b.pdf",
                  "com1/design.pdf"]


def test_attachment_file_names_windows_cannot_keep_are_schema_findings(service):
    rt, api = service
    for bad in BAD_FILE_NAMES:
        doc = json.loads(EXAMPLE_JSON)
        doc["attachments"][0]["file"] = bad
        response = api("chaohui", "POST", "/api/v1/packages?lang=en", data=package_zip(json.dumps(doc, ensure_ascii=False)),
                       content_type="application/zip")
        assert response.status_code == 201 and response.json["status"] == "rejected", bad
        [finding] = [e for e in response.json["report"]["errors"] if e["rule"] == "SCHEMA"]
        assert finding["path"] == "/attachments/0/file" and "every system can keep" in finding["message"], bad
        assert "\u202e" not in finding["message"]


# Bombs.
def test_a_listed_bomb_is_413_before_it_is_written(service):
    rt, api = service
    doc = json.loads(EXAMPLE_JSON)
    name = doc["attachments"][0]["file"]
    body = package_zip(EXAMPLE_JSON, replace={name: b"\0" * (64 << 20)})  # 64 MiB of zeros: about 64 KiB packed
    assert len(body) < 1 << 20
    before = stored(rt)
    response = api("chaohui", "POST", "/api/v1/packages?lang=en", data=body, content_type="application/zip")
    assert response.status_code == 413 and "zip bomb" in response.json["error"]["message"]
    zh = api("chaohui", "POST", "/api/v1/packages", data=body, content_type="application/zip")
    assert zh.status_code == 413 and "压缩炸弹" in zh.json["error"]["message"]
    assert stored(rt) == before and leftovers(rt.settings.data_dir) == []
    healthy(rt, api)


def test_an_unlisted_bomb_is_refused_too_and_an_unlisted_file_is_never_stored(service):
    rt, api = service
    bomb = package_zip(EXAMPLE_JSON, extra={"extra/zeros.bin": b"\0" * (64 << 20)})
    assert api.submit("chaohui", bomb).status_code == 413
    unlisted = os.urandom(300_000)
    response = api.submit("chaohui", package_zip(EXAMPLE_JSON, extra={"extra/notes.bin": unlisted}))
    assert response.status_code == 201
    warned = [w for w in response.json["report"]["warnings"] if w["rule"] == "ATTACHMENT-UNLISTED"]
    assert len(warned) == 1 and "extra/notes.bin" in warned[0]["message"]
    assert not rt.blobs.exists(hashlib.sha256(unlisted).hexdigest())  # kept inside the upload only
    files = api("chaohui", "GET", f"/api/v1/packages/{response.json['id']}").json["files"]
    listed = {a["file"] for a in json.loads(EXAMPLE_JSON)["attachments"]}
    assert {f["path"] for f in files} <= listed and "extra/notes.bin" not in {f["path"] for f in files}
    with rt.reading() as s:
        from service.db import models as m

        row = s.get(m.PackageRow, response.json["id"])
    assert rt.blobs.exists(row.upload_sha256)  # the upload is kept as received
    assert leftovers(rt.settings.data_dir) == []


PHOTO = next(a for a in json.loads(EXAMPLE_JSON)["attachments"] if a["file"].endswith(".png"))
PHOTO_INDEX = json.loads(EXAMPLE_JSON)["attachments"].index(PHOTO)


def test_a_90_megapixel_png_is_an_attachment_type_finding(service):
    rt, api = service
    png = big_png(9500, 9500)
    assert len(png) < 200_000
    response = api("chaohui", "POST", "/api/v1/packages?lang=en", data=package_zip(EXAMPLE_JSON, replace={PHOTO["file"]: png}),
                   content_type="application/zip")
    assert response.status_code == 201 and response.json["status"] == "rejected"
    [finding] = [e for e in response.json["report"]["errors"] if e["rule"] == "ATTACHMENT-TYPE"]
    assert finding["path"] == f"/attachments/{PHOTO_INDEX}/file" and "more than 40 million pixels" in finding["message"]
    assert leftovers(rt.settings.data_dir) == []


PEAK = """
import resource, sys
from service.adapters.reader import open_package
from service.services import checker
with open_package(sys.argv[1]) as package:
    report = checker().check(package)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, " ".join(sorted({f.rule for f in report.findings})))
"""


def peak_kib(path: Path) -> tuple[int, str]:
    """A fresh process's peak memory (KiB) checking the package at `path`, and the rules that fired."""
    result = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert result.returncode == 0, result.stderr
    peak, rules = result.stdout.split(" ", 1)
    return int(peak), rules.strip()


def test_a_big_image_costs_no_more_memory_than_a_small_one(tmp_path):
    small, over, under = tmp_path / "small.zip", tmp_path / "over.zip", tmp_path / "under.zip"
    small.write_bytes(package_zip(EXAMPLE_JSON))
    over.write_bytes(package_zip(EXAMPLE_JSON, replace={PHOTO["file"]: big_png(9500, 9500, colour=2)}))  # 90 MP: 271 MB decoded
    under.write_bytes(package_zip(EXAMPLE_JSON, replace={PHOTO["file"]: big_png(6000, 6500, colour=2)}))  # 39 MP: 117 MB decoded
    base, _ = peak_kib(small)
    refused, rules = peak_kib(over)
    assert "ATTACHMENT-TYPE" in rules
    inspected, rules_under = peak_kib(under)
    assert "ATTACHMENT-TYPE" not in rules_under  # within the budget, it decodes (checked in pieces)
    assert refused - base < 30_000 and inspected - base < 30_000, (base, refused, inspected)


def test_a_big_progressive_jpeg_is_refused_from_its_header(tmp_path):
    # libjpeg decodes a progressive JPEG through buffers of its full size at any scale: its budget is smaller.
    from PIL import Image

    scan = io.BytesIO()
    Image.new("L", (6000, 6500), 200).save(scan, "JPEG", progressive=True, quality=80)
    target = tmp_path / "progressive.zip"
    target.write_bytes(package_zip(EXAMPLE_JSON, replace={PHOTO["file"]: scan.getvalue()}))
    base, _ = peak_kib(_small(tmp_path))
    peak, rules = peak_kib(target)
    assert "ATTACHMENT-TYPE" in rules and peak - base < 30_000, (base, peak)


def _small(tmp_path: Path) -> Path:
    small = tmp_path / "small.zip"
    small.write_bytes(package_zip(EXAMPLE_JSON))
    return small


def test_zip_entry_headers_that_lie_are_caught_while_unpacking(tmp_path):
    # The entry claims 1 KiB, packed 1 KiB, but inflates to 64 MiB: only counting what comes out catches it.
    name = json.loads(EXAMPLE_JSON)["attachments"][0]["file"]
    body = bytearray(package_zip(EXAMPLE_JSON, replace={name: b"\0" * (64 << 20)}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(body)))
    info = archive.getinfo(name)
    true_size = (64 << 20).to_bytes(4, "little")
    fake = (1 << 10).to_bytes(4, "little")
    assert body.count(true_size) == 2  # in the local header and in the central directory
    target = tmp_path / "liar.zip"
    target.write_bytes(bytes(body).replace(true_size, fake))
    assert zipfile.ZipFile(target).getinfo(name).file_size == 1024 and info.compress_size < 1 << 20
    result = run_cli("check", str(target), "--lang", "en")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "zip bomb" in result.stderr or "damaged" in result.stderr
