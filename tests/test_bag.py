"""The archive handover bundle: a BagIt bag an archivist's validator trusts, and the four properties."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from functools import lru_cache
from pathlib import Path

import bagit
import pikepdf
import pytest

from conftest import FIXTURES, unavailable
from pdftools import PREFLIGHT_MISSING, preflight, preflight_classpath
from service.adapters.reader import open_package
from service.archive.fourprops import FourPropertyReport, check_files, check_handover
from service.cli import main

EXAMPLES = [FIXTURES / "examples" / s for s in ("declaration", "acceptance", "handover")]
CATEGORIES = ["declaration", "design", "procurement", "construction", "supervision", "acceptance", "financial", "management"]


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@lru_cache(maxsize=None)
def example_bag() -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bag.zip"
        assert main(["bag", *map(str, EXAMPLES), "-o", str(out)]) == 0
        return out.read_bytes()


def unpack(data: bytes, where: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(where)
    return where / "XC-2020-007"


def test_bagit_validator_accepts_the_bundle(tmp_path):
    bag = bagit.Bag(str(unpack(example_bag(), tmp_path)))
    bag.validate()
    assert bag.version_info == (1, 0)
    assert bag.info["External-Identifier"] == "XC-2020-007"
    assert bag.info["Source-Organization"] == "下城区人民政府朝晖街道办事处"
    assert bag.info["Bagging-Date"] == "2021-03-01"
    assert bag.info["Payload-Oxum"].endswith(".30")


def test_flipping_one_bit_of_any_payload_file_fails_validation(tmp_path):
    root = unpack(example_bag(), tmp_path)
    payload = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    assert len(payload) == 30
    for path in payload:
        original = path.read_bytes()
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        path.write_bytes(bytes(flipped))
        with pytest.raises(bagit.BagValidationError):
            bagit.Bag(str(root)).validate()
        path.write_bytes(original)
    bagit.Bag(str(root)).validate()


def test_payload_is_laid_out_by_stage_with_attachments_at_their_own_paths(tmp_path):
    root = unpack(example_bag(), tmp_path)
    for stage, folder in zip(("declaration", "acceptance", "handover"), EXAMPLES):
        doc = json.loads((root / "data" / stage / "package" / "package.json").read_text(encoding="utf-8"))
        for entry in doc["attachments"]:
            data = (root / "data" / stage / "package" / entry["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert data == (folder / entry["file"]).read_bytes()  # byte for byte as uploaded
    generated = sorted(p.relative_to(root).as_posix() for p in root.glob("data/*/generated/*"))
    assert generated == [f"data/{s}/generated/{k}.{f}" for s, k in (("acceptance", "acceptance-certificate"),
                         ("acceptance", "subsidy-statement"), ("declaration", "notice"), ("handover", "handover-record"))
                         for f in ("docx", "pdf")]


def test_sm3_digests_sit_beside_the_sha256_manifest(tmp_path):
    root = unpack(example_bag(), tmp_path)
    lines = (root / "sm3-digests.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30
    digest, path = lines[0].split("  ", 1)
    assert digest == hashlib.new("sm3", (root / path).read_bytes()).hexdigest()
    assert "sm3-digests.txt" in (root / "tagmanifest-sha256.txt").read_text()


def test_metadata_carries_archival_codes(tmp_path):
    metadata = json.loads((unpack(example_bag(), tmp_path) / "archive-metadata.json").read_text(encoding="utf-8"))
    codes = [d["archival_code"] for d in metadata["archived_documents"]]
    # The command line has no registry: provisional codes, and the bag says it is a draft.
    assert codes == ["J001-2019-Y-待编", "J001-2020-Y-待编", "J001-2020-C-待编", "J001-2020-C-待编",
                     "J001-2020-C-待编", "J001-2020-Y-待编", "J001-2021-Y-待编", "J001-2021-C-待编"]
    assert metadata["draft"] is True and "待编" in metadata["draft_note"]
    record = next(g for g in metadata["generated_documents"] if g["kind"] == "handover-record")
    assert record["number"].startswith("YJ-DRAFT-")
    assert {g["kind"] for g in metadata["generated_documents"]} == {"notice", "acceptance-certificate", "subsidy-statement", "handover-record"}


def test_the_catalogue_lists_every_document_with_its_code_under_the_tag_manifest(tmp_path):
    root = unpack(example_bag(), tmp_path)
    catalogue = json.loads((root / "archive-catalogue.json").read_text(encoding="utf-8"))
    assert catalogue["fonds"] == "J001" and catalogue["project_code"] == "XC-2020-007" and catalogue["draft"] is True
    assert [d["no"] for d in catalogue["documents"]] == list(range(1, 9))
    first = catalogue["documents"][0]
    assert first["archival_code"] == "J001-2019-Y-待编" and first["sha256"].startswith("12fdfec72e76")
    assert (root / first["path"]).is_file()
    digest = hashlib.sha256((root / "archive-catalogue.json").read_bytes()).hexdigest()
    assert f"{digest}  archive-catalogue.json" in (root / "tagmanifest-sha256.txt").read_text().splitlines()


def test_the_command_line_says_its_bag_is_a_draft(capsys, tmp_path):
    code, out, err = run(capsys, "bag", *EXAMPLES, "-o", tmp_path / "b.zip", "--lang", "en")
    assert code == 0 and "sha256" in out and "provisional (件号 待编)" in err


def test_the_same_packages_give_the_same_bundle(tmp_path):
    out = tmp_path / "again.zip"
    assert main(["bag", *map(str, EXAMPLES), "-o", str(out)]) == 0
    assert out.read_bytes() == example_bag()


def test_four_property_report_passes_for_the_examples(tmp_path):
    report = json.loads((unpack(example_bag(), tmp_path) / "four-property-check.json").read_text(encoding="utf-8"))
    assert report["passed"] is True
    assert list(report["properties"]) == ["authenticity", "integrity", "usability", "security"]
    assert all(p["checks"] for p in report["properties"].values())


def test_every_pdf_in_the_bag_passes_preflight(tmp_path):
    if not preflight_classpath():
        unavailable(PREFLIGHT_MISSING)
    root = unpack(example_bag(), tmp_path)
    for pdf in [root / "four-property-check.pdf", *root.glob("data/*/generated/*.pdf")]:
        valid, report = preflight(pdf.read_bytes())
        assert valid, (pdf.name, report)


# -- the four properties flag what they must ----------------------------------------------------

def four_property(folder: Path, stage: str) -> FourPropertyReport:
    report = FourPropertyReport("test", "2021-03-01")
    with open_package(folder) as package:
        check_files(report, stage, package, f"data/{stage}/package")
        if stage == "handover":
            check_handover(report, package, CATEGORIES)
    return report


def failed(report: FourPropertyReport) -> list[tuple[str, str]]:
    return [(c.prop, c.item) for c in report.failures()]


def test_flags_a_digest_mismatch():
    assert failed(four_property(FIXTURES / "declaration" / "attachment-checksum", "declaration")) == [
        ("authenticity", "data/declaration/package/attachments/budget-estimate.pdf")]


def test_flags_a_missing_category():
    assert failed(four_property(FIXTURES / "handover" / "archive-categories", "handover")) == [("integrity", "category:management")]


def test_flags_an_encrypted_pdf():
    report = four_property(FIXTURES / "declaration" / "attachment-type", "declaration")
    assert ("usability", "data/declaration/package/attachments/design-proposal.pdf") in failed(report)


def with_javascript(source: Path, target: Path) -> None:
    with pikepdf.open(source) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
        pdf.save(target)


def test_flags_a_pdf_with_javascript_and_refuses_the_bundle(capsys, tmp_path):
    handover = tmp_path / "handover"
    shutil.copytree(EXAMPLES[2], handover)
    doc = json.loads((handover / "package.json").read_text(encoding="utf-8"))
    target = handover / "documents" / "doc-design.pdf"
    with_javascript(EXAMPLES[2] / "documents" / "doc-design.pdf", target)
    doc["attachments"][1]["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    (handover / "package.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = four_property(handover, "handover")
    assert failed(report) == [("security", "data/handover/package/documents/doc-design.pdf")]
    out = tmp_path / "bag.zip"
    code, _, err = run(capsys, "bag", EXAMPLES[0], EXAMPLES[1], handover, "-o", out, "--lang", "en")
    assert code == 1 and "JavaScript" in err and "doc-design.pdf" in err
    assert not out.exists()


# -- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("packages,words", [
    ([EXAMPLES[0], EXAMPLES[1]], "the handover (档案移交) package is missing"),
    ([EXAMPLES[0], FIXTURES / "acceptance" / "accept-conclusion", EXAMPLES[2]], "did not pass"),
    ([EXAMPLES[0], EXAMPLES[1], FIXTURES / "handover" / "archive-retention"], "is not valid (ARCHIVE-RETENTION)"),
    ([FIXTURES / "declaration" / "huilongmiaoqian-valid", EXAMPLES[1], EXAMPLES[2]], "different projects"),
])
def test_incomplete_or_invalid_projects_are_refused(capsys, tmp_path, packages, words):
    out = tmp_path / "bag.zip"
    code, _, err = run(capsys, "bag", *packages, "-o", out, "--lang", "en")
    assert code == 1 and words in err
    assert list(tmp_path.iterdir()) == []


def test_a_later_stage_may_not_change_the_project(capsys, tmp_path):
    acceptance = tmp_path / "acceptance"
    shutil.copytree(EXAMPLES[1], acceptance)
    doc = json.loads((acceptance / "package.json").read_text(encoding="utf-8"))
    doc["project"]["floor_area_m2"] = 120000.0
    (acceptance / "package.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "bag", EXAMPLES[0], acceptance, EXAMPLES[2], "-o", tmp_path / "b.zip", "--lang", "en")
    assert code == 1 and "floor_area_m2 as 120000.0, the declaration as 98500.5" in err


def test_output_must_be_a_zip(capsys, tmp_path):
    code, _, err = run(capsys, "bag", *EXAMPLES, "-o", tmp_path / "bag.tar", "--lang", "en")
    assert code == 2 and ".zip" in err
