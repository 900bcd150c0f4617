"""Signed documents (issue 14): PAdES signatures pyHanko and poppler's pdfsig both accept, issued
once and served ever after, verified by the four-property check, the verify endpoint and page."""
from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import bagit
import pytest

from conftest import FIXTURES, unavailable
from pdftools import PREFLIGHT_MISSING, preflight, preflight_classpath
from service.adapters.reader import open_package
from service.archive.fourprops import FourPropertyReport
from service.archive.signatures import check_issued_pdf
from service.cli import main
from service.config import Settings
from service.usecases.documents import render, sign
from service.services import checker
from service.signing import keys
from service.signing.verify import check, unsigned_prefix
from service_support import Api, database, example, make_users, open_runtime, served, submit_example_project  # noqa: F401  (pytest fixtures)
from service.web import create_app

PDFSIG_MISSING = ("poppler's pdfsig and NSS's certutil are not installed (Debian's poppler-utils and libnss3-tools): "
                  "the independent check of the signatures is not run here; .ci/run installs them")
KINDS = {"notice": "declaration", "acceptance-certificate": "acceptance", "handover-record": "handover"}


@pytest.fixture(scope="module")
def trial(tmp_path_factory) -> Path:
    """A data directory holding trial keys (made once: a 3072-bit CA key takes a moment)."""
    folder = tmp_path_factory.mktemp("trial")
    keys.init_trial(folder)
    return folder


@pytest.fixture(scope="module")
def stranger(tmp_path_factory) -> Path:
    """Another installation's trial keys: a CA this one does not trust."""
    folder = tmp_path_factory.mktemp("stranger")
    keys.init_trial(folder)
    return folder


def key_of(folder: Path):
    return keys.load(Settings(data_dir=folder))


def anchors_of(folder: Path) -> list:
    return keys.trust_anchors(Settings(data_dir=folder))


def rendered(kind: str = "notice"):
    with open_package(FIXTURES / "examples" / KINDS[kind]) as package:
        return render(kind, "pdf", package, checker().check(package), checker())


@pytest.fixture(scope="module")
def signed_notice(trial):
    unsigned = rendered()
    return unsigned, sign(unsigned, key_of(trial))


def flipped(data: bytes) -> bytes:
    """One bit changed inside the signed range: in the document's XMP packet, far from the signature."""
    at = data.index(b"<dc:format>application/pdf")
    assert at < data.index(b"/ByteRange")
    return data[:at + 12] + bytes([data[at + 12] ^ 1]) + data[at + 13:]


# -- signing -----------------------------------------------------------------------------------

def test_the_signature_is_valid_for_pyhanko_and_names_the_office(signed_notice, trial):
    _unsigned, signed = signed_notice
    result = check(signed.data, anchors_of(trial))
    assert result.valid and len(result.signatures) == 1
    sig = result.signatures[0]
    assert sig.intact and sig.covers_file and sig.trusted and "区旧改办" in sig.signer
    assert sig.signed_on() >= date(2019, 10, 8)


def test_the_unsigned_render_is_a_byte_for_byte_prefix_of_the_signed_file(signed_notice):
    unsigned, signed = signed_notice
    assert signed.data.startswith(unsigned.data) and len(signed.data) > len(unsigned.data)
    assert unsigned_prefix(signed.data) == unsigned.data
    assert signed.unsigned_sha256 == hashlib.sha256(unsigned.data).hexdigest()
    assert rendered().data == unsigned.data  # and the render itself stays reproducible


def test_the_visible_field_sits_on_the_last_page_and_says_who_what_and_when(signed_notice):
    import pikepdf

    _unsigned, signed = signed_notice
    with pikepdf.open(io.BytesIO(signed.data)) as pdf:
        (field,) = [f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"]
        last = pdf.pages[-1].obj
        assert field.P.objgen == last.objgen and any(a.objgen == field.objgen for a in last.Annots)
        x1, y1, x2, y2 = (float(v) for v in field.Rect)
        assert x2 - x1 > 150 and y2 - y1 > 40  # visible, not a zero-size field
        shown = field.AP.N.read_bytes().decode("latin-1")
    # The words are in /ActualText (UTF-16): who signed, the document number, and Beijing time.
    actual = "".join(bytes(s, "latin-1").decode("utf-16-be", "replace") for s in _actual_texts(shown))
    assert "区旧改办" in actual and signed.number in actual and "北京时间" in actual


def _actual_texts(content: str) -> list[str]:
    out = []
    for raw in re.findall(r"/ActualText \((.*?)\)\s*>>", content, re.S):
        data = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), raw)
        data = re.sub(r"\\(.)", r"\1", data)
        out.append(data[2:] if data.startswith("\xfe\xff") else data)
    return out


def test_a_flipped_byte_breaks_the_signature_for_pyhanko(signed_notice, trial):
    _unsigned, signed = signed_notice
    result = check(flipped(signed.data), anchors_of(trial))
    assert not result.valid and not result.signatures[0].intact


def test_a_signature_by_a_key_nobody_configured_is_untrusted(stranger, trial):
    other = sign(rendered(), key_of(stranger))
    result = check(other.data, anchors_of(trial))
    assert result.signatures[0].intact and not result.signatures[0].trusted and not result.valid
    assert check(other.data, []).signatures[0].trusted is False  # no anchors: never the machine's trust list


def test_bytes_appended_after_signing_are_reported(signed_notice, trial):
    _unsigned, signed = signed_notice
    sig = check(signed.data + b"\n% added later\n", anchors_of(trial)).signatures[0]
    assert sig.intact and not sig.covers_file


def test_not_a_pdf_and_an_unsigned_pdf_are_answers_not_errors(signed_notice, trial):
    unsigned, _signed = signed_notice
    assert check(b"not a pdf at all", anchors_of(trial)).problem
    assert not check(unsigned.data, anchors_of(trial)).signed


@pytest.mark.parametrize("kind", list(KINDS))
def test_signed_files_still_pass_preflight(kind, trial):
    if not preflight_classpath():
        unavailable(PREFLIGHT_MISSING)
    valid, report = preflight(sign(rendered(kind), key_of(trial)).data)
    assert valid, report


def test_docx_is_never_signed(trial):
    with open_package(FIXTURES / "examples" / "declaration") as package:
        docx = render("notice", "docx", package, checker().check(package), checker())
    assert sign(docx, key_of(trial)) == docx


# -- poppler's pdfsig, an independent client ---------------------------------------------------

def pdfsig(tmp_path: Path, data: bytes, trusting: Path | None) -> str:
    if not (shutil.which("pdfsig") and shutil.which("certutil")):
        unavailable(PDFSIG_MISSING)
    nss = tmp_path / "nss"
    nss.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    if trusting is not None:
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "jiugai-trial", "-t", "CT,C,C", "-i",
                        str(trusting / keys.KEYS_DIR / keys.TRIAL_CA)], check=True, capture_output=True)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def test_pdfsig_finds_the_signature_valid_and_trusted_given_the_trial_ca(signed_notice, trial, tmp_path):
    out = pdfsig(tmp_path, signed_notice[1].data, trusting=trial)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Total document signed" in out and "ETSI.CAdES.detached" in out, out


def test_pdfsig_finds_a_flipped_byte(signed_notice, trial, tmp_path):
    out = pdfsig(tmp_path, flipped(signed_notice[1].data), trusting=trial)
    assert "Signature is Valid." not in out and re.search(r"Digest Mismatch|Signature is Invalid", out), out


def test_pdfsig_does_not_trust_another_installations_key(stranger, trial, tmp_path):
    out = pdfsig(tmp_path, sign(rendered(), key_of(stranger)).data, trusting=trial)
    assert "Signature is Valid." in out and "Certificate is Trusted." not in out, out


# -- the four-property check -------------------------------------------------------------------

def test_four_property_check_reports_each_condition_by_file(signed_notice, trial, stranger):
    unsigned, signed = signed_notice
    item = "data/declaration/generated/notice.pdf"

    def rows(data, anchors, dated=date(2019, 10, 8)):
        report = FourPropertyReport("XC-2020-007", "2021-03-01")
        check_issued_pdf(report, item, data, unsigned.data, dated, anchors)
        return report

    good = rows(signed.data, anchors_of(trial))
    assert good.passed and len(good.checks) == 5 and {c.item for c in good.checks} == {item}
    assert {c.detail.msgid for c in rows(flipped(signed.data), anchors_of(trial)).failures()} >= {
        "its unsigned part differs from a re-render of its package ({digest})",
        "the signature of {signer} is broken: the signed bytes were changed"}
    assert [c.detail.msgid for c in rows(signed.data, anchors_of(stranger)).failures()] == [
        "the signer's certificate ({signer}) does not chain to a trust anchor"]
    assert [c.detail.msgid for c in rows(signed.data, anchors_of(trial), date(2100, 1, 1)).failures()] == [
        "signed on {signed_on}, before the document's date {date}"]
    unsigned_rows = rows(unsigned.data, anchors_of(trial))
    assert unsigned_rows.passed and "not signed: issued without a signing key" in {c.detail.msgid for c in unsigned_rows.checks}


# -- the service: sign once, serve that file, verify uploads ------------------------------------

@pytest.fixture
def signing_service(database, trial):
    shutil.copytree(trial / keys.KEYS_DIR, database.data_dir / keys.KEYS_DIR)
    yield from served(database)


def submit_project(api) -> dict[str, int]:
    return submit_example_project(api)


def upload(api, data: bytes, lang: str = "en"):
    return api(None, "POST", f"/api/v1/verify?lang={lang}", data={"file": (io.BytesIO(data), "document.pdf")},
               content_type="multipart/form-data")


def test_the_service_signs_once_and_serves_that_file(signing_service, trial, stranger):
    rt, api = signing_service
    ids = submit_project(api)
    url = f"/api/v1/packages/{ids['declaration']}/documents/notice.pdf"
    first = api("chaohui", "GET", url)
    again = api("clerk", "GET", url)
    assert first.status_code == 200 and again.data == first.data  # the same signed file, not a new signature
    assert check(first.data, anchors_of(trial)).valid
    unsigned = unsigned_prefix(first.data)
    assert unsigned == rendered().data

    # /verify knows both digests: the file served and the render it signs.
    number = first.headers["X-Document-Number"]
    by_signed = api(None, "GET", f"/api/v1/verify/{hashlib.sha256(first.data).hexdigest()}").json
    by_unsigned = api(None, "GET", f"/api/v1/verify/{hashlib.sha256(unsigned).hexdigest()}").json
    assert by_signed == by_unsigned and by_signed["document_number"] == number
    (pdf_row,) = [f for f in by_signed["files"] if f["format"] == "pdf"]
    assert pdf_row == {"format": "pdf", "sha256": hashlib.sha256(first.data).hexdigest(), "signed": True,
                       "unsigned_sha256": hashlib.sha256(unsigned).hexdigest()}

    # An uploaded copy: valid, and this very document.
    answer = upload(api, first.data)
    assert answer.status_code == 200 and answer.json["signature_valid"] and answer.json["issued_file"]
    assert answer.json["document"]["document_number"] == number and answer.json["signatures"][0]["signing_time"].endswith("+08:00")
    assert any("is valid" in m for m in answer.json["messages"])
    # Tampered with: not valid, and no longer any document's content.
    broken = upload(api, flipped(first.data)).json
    assert not broken["signature_valid"] and not broken["signatures"][0]["intact"] and broken["document"] is None
    # The same content signed by another installation: untrusted, and not the file this service issued.
    forged = upload(api, sign(rendered(), key_of(stranger)).data, lang="zh").json
    assert not forged["signature_valid"] and not forged["issued_file"] and forged["document"]["document_number"] == number
    assert any("不是本服务签发的那一份" in m for m in forged["messages"])
    # Not a PDF, nothing sent, too big, wrong type: clear refusals.
    assert upload(api, b"hello").json["readable"] is False
    assert api(None, "POST", "/api/v1/verify", data={}, content_type="multipart/form-data").status_code == 400
    assert api(None, "POST", "/api/v1/verify", data=b"%PDF-1.4", content_type="application/pdf").status_code == 415
    big = api(None, "POST", "/api/v1/verify", content_type="multipart/form-data",
              data={"file": (io.BytesIO(b"%PDF" + b"0" * (rt.settings.max_verify_bytes + 1)), "big.pdf")})
    assert big.status_code == 413

    # The bag carries the signed files, their certificate chain, and a four-property report that checked them.
    bundle = api("archivist", "GET", "/api/v1/projects/XC-2020-007/bundle.zip")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as z:
        names = z.namelist()
        assert z.read("XC-2020-007/data/declaration/generated/notice.pdf") == first.data
        chain = z.read("XC-2020-007/signing-certificates.pem").decode()
        report = z.read("XC-2020-007/four-property-check.json").decode("utf-8")
        z.extractall(Path(rt.settings.data_dir) / "bag")
    assert chain.count("BEGIN CERTIFICATE") == 2 and "区旧改办" in chain
    assert "签名者证书可链接到信任锚" in report and '"passed": true' in report
    assert "XC-2020-007/tagmanifest-sha256.txt" in names
    bagit.Bag(str(Path(rt.settings.data_dir) / "bag" / "XC-2020-007")).validate()


def test_the_verify_page_takes_an_upload(signing_service):
    _rt, api = signing_service
    ids = submit_project(api)
    pdf = api("chaohui", "GET", f"/api/v1/packages/{ids['declaration']}/documents/notice.pdf").data
    client = api.client
    form = client.get("/verify?lang=zh")
    assert form.status_code == 200 and 'type="file"' in form.text
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    answer = client.post("/verify?lang=zh", data={"csrf": token, "file": (io.BytesIO(pdf), "notice.pdf")},
                         content_type="multipart/form-data")
    assert answer.status_code == 200 and "签名有效" in answer.text and "区旧改办" in answer.text
    assert client.post("/verify", data={"file": (io.BytesIO(pdf), "notice.pdf")},
                       content_type="multipart/form-data").status_code == 400  # no CSRF token


def test_without_a_key_documents_are_issued_unsigned_exactly_as_before(tmp_path):
    rt = open_runtime(Settings(data_dir=tmp_path / "data"))
    app = create_app(runtime=rt)
    api = Api(app.test_client(), make_users(rt))
    ids = submit_project(api)
    pdf = api("chaohui", "GET", f"/api/v1/packages/{ids['declaration']}/documents/notice.pdf").data
    assert pdf == rendered().data
    assert upload(api, pdf).json["signed"] is False
    rt.engine.dispose()


# -- the command line --------------------------------------------------------------------------

def test_keys_init_says_trial_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUGAI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JIUGAI_SIGNING_KEY", raising=False)
    assert main(["keys", "init"]) == 0
    out = capsys.readouterr().out
    assert "仅供试用" in out and keys.TRIAL_KEY in out
    password = (tmp_path / keys.KEYS_DIR / keys.TRIAL_PASSWORD).read_text()
    assert password not in out
    assert main(["keys", "init"]) == 1 and "已存在" in capsys.readouterr().err
    assert (tmp_path / keys.KEYS_DIR / keys.TRIAL_KEY).stat().st_mode & 0o077 == 0


def test_render_signs_with_the_trial_key_unless_told_not_to(trial, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUGAI_DATA_DIR", str(trial))
    monkeypatch.delenv("JIUGAI_SIGNING_KEY", raising=False)
    signed, plain = tmp_path / "signed.pdf", tmp_path / "plain.pdf"
    assert main(["render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(signed)]) == 0
    assert "区旧改办" in capsys.readouterr().out
    assert main(["render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(plain), "--no-sign"]) == 0
    assert plain.read_bytes() == rendered().data and signed.read_bytes().startswith(plain.read_bytes())
    assert check(signed.read_bytes(), anchors_of(trial)).valid


def test_a_key_that_cannot_be_opened_is_said_without_its_secrets(trial, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIUGAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIUGAI_SIGNING_KEY", str(trial / keys.KEYS_DIR / keys.TRIAL_KEY))
    monkeypatch.setenv("JIUGAI_SIGNING_KEY_PASSWORD", "wrong-passphrase-123")
    out = tmp_path / "notice.pdf"
    assert main(["render", "notice", str(FIXTURES / "examples" / "declaration"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot be opened" in err and "wrong-passphrase-123" not in err and "Traceback" not in err
    assert not out.exists()


def test_backup_leaves_the_key_out_and_says_so(trial, tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(trial / keys.KEYS_DIR, data / keys.KEYS_DIR)
    monkeypatch.setenv("JIUGAI_DATA_DIR", str(data))
    monkeypatch.delenv("JIUGAI_SIGNING_KEY", raising=False)
    monkeypatch.delenv("JIUGAI_DATABASE_URL", raising=False)
    out = tmp_path / "backup.zip"
    assert main(["backup", str(out)]) == 0
    assert "not in the backup" in capsys.readouterr().out
    secret = (data / keys.KEYS_DIR / keys.TRIAL_KEY).read_bytes()
    password = (data / keys.KEYS_DIR / keys.TRIAL_PASSWORD).read_bytes()
    with zipfile.ZipFile(out) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
        assert b'"signing_key": "not included"' in z.read("manifest.json")
    assert secret not in everything and password not in everything
