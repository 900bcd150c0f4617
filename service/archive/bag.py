"""The archive handover bundle: a BagIt 1.0 bag (RFC 8493) of a project's packages, their files
and the generated documents, with the four-property report, zipped reproducibly.

The bag is written here rather than by the `bagit` package, whose make_bag changes the process's
working directory (unsafe in a threaded server), writes BagIt 0.97 and lists tag files in
directory order; `bagit` validates what this writes (tests/test_bag.py).
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from service import __version__
from service.archive.fourprops import PROPERTIES, PROPERTY_LABELS, FourPropertyReport, check_files, check_handover
from service.archive.pdfscan import active_content
from service.archive.report import four_property_pdf, to_json
from service.config import Settings
from service.documents import issued_on, render
from service.domain import values as v
from service.domain.archive import STAGE_ORDER, archival_codes, project_problems
from service.domain.check import Checker
from service.domain.documents import kinds
from service.domain.findings import Msg, N_
from service.domain.pointer import resolve
from service.domain.project import is_multi, project_name
from service.domain.ruleset import choose

_STORED = (".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg", ".ofd", ".zip")
_EPOCH = (1980, 1, 1, 0, 0, 0)
CATALOGUE = "archive-catalogue.json"  # the machine-readable catalogue: every archived document and its 档号
DRAFT_NOTE = ("Draft: made without the archive's registry (jiugai bag), so the archival codes are provisional "
              "(件号 待编) and the transfer record's number is one /verify does not know. The service allocates "
              "the codes when it accepts the handover; its bundle is the record. 草稿：档号待编，以服务受理后的移交包为准。")


class BagRefused(Exception):
    """The packages do not make a complete, valid project, or its files fail the four properties."""

    def __init__(self, reasons: list[Msg], four_property: FourPropertyReport | None = None):
        super().__init__("; ".join(r.msgid for r in reasons))
        self.reasons = reasons
        self.four_property = four_property

    def __reduce__(self):  # rebuilt from its arguments, so it unpickles in another process
        return BagRefused, (self.reasons, self.four_property)


@dataclass
class Bundle:
    """A built bundle: the zip's bytes, its four-property report and its metadata."""

    data: bytes
    four_property: FourPropertyReport
    metadata: dict

    @property
    def sha256(self) -> str:
        """The zip's digest."""
        return hashlib.sha256(self.data).hexdigest()


def _digests(data: bytes) -> tuple[str, str]:
    return hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest()


def build(pairs: list, checker: Checker, settings: Settings | None = None, archive: Mapping[str, str] | None = None,
          issued: dict | None = None, anchors: list | None = None) -> Bundle:
    """The bundle of a project from its (package, report) pairs; raises BagRefused.

    `archive`: the archival codes the registry allocated, by file SHA-256 (the service). Without
    it (the command line) the codes are `…-待编` and the bag is a draft (see `archive-metadata.json`).
    `issued` maps (stage, kind, format) to the bytes of a document as the service issued it (for a
    PDF, signed when a key was configured); documents not in it are rendered here, unsigned.
    `anchors` are the trust anchors the signatures must chain to."""
    from service.archive.signatures import check_issued_pdf
    from service.signing.verify import chain_pem

    settings = settings or Settings.from_env()
    issued = issued or {}
    signature_checks = []
    problems = project_problems(pairs)
    if problems:
        raise BagRefused(problems)
    by_stage = {p.stage: (p, r) for p, r in pairs}
    handover = by_stage["handover"][0]
    code = handover.project_code
    checked_on = v.text(handover.data, "/handover/date") or v.text(handover.data, "/submitted_on") or ""
    four = FourPropertyReport(code, checked_on)
    payload: dict[str, bytes] = {}
    generated = []
    for stage in STAGE_ORDER:
        package, report = by_stage[stage]
        prefix = f"data/{stage}/package"
        payload[f"{prefix}/package.json"] = package.raw
        for name, path in sorted((package.files or {}).items()):
            if name != "package.json":
                payload[f"{prefix}/{name}"] = Path(path).read_bytes()
        check_files(four, stage, package, prefix)
        for kind in (k for k in kinds().values() if k.stage == stage):
            for fmt in ("pdf", "docx"):
                document = render(kind.kind, fmt, package, report, checker, settings, archive)
                again = render(kind.kind, fmt, package, report, checker, settings, archive)
                item = f"data/{stage}/generated/{kind.kind}.{fmt}"
                data = issued.get((stage, kind.kind, fmt), document.data)
                payload[item] = data
                digest = hashlib.sha256(data).hexdigest()
                if fmt == "pdf":  # the signature, and the unsigned part against a fresh render
                    signature_checks.append(check_issued_pdf(four, item, data, again.data, issued_on(kind.kind, package),
                                                             anchors or []))
                else:
                    four.add("authenticity", item, digest == hashlib.sha256(again.data).hexdigest(),
                             N_("re-rendered from its package to the same bytes ({digest})"), digest=digest[:16])
                generated.append({"kind": kind.kind, "format": fmt, "number": document.number, "path": item, "sha256": digest})
    ruleset = choose(checker.rulesets, v.integer(handover.data, "/project/plan_year"))
    check_handover(four, handover, ruleset.data["archive"]["categories"])
    for item in (g["path"] for g in generated if g["format"] == "pdf"):
        pages = _pages(payload[item])
        four.add("usability", item, bool(pages), N_("opens as PDF, {pages} pages"), pages=pages)
        threats = _scan(payload[item])
        four.add("security", item, not threats, N_("no active content") if not threats else N_("carries {threats}"), threats=", ".join(threats))
    if not four.passed:
        raise BagRefused([Msg(N_("four-property check failed: {property} of {item}: {detail}"),
                              {"property": Msg(PROPERTY_LABELS[c.prop]), "item": c.item, "detail": c.detail}) for c in four.failures()], four)
    metadata = _metadata(by_stage, generated, settings, archive)
    tags = _tag_files(by_stage, payload, four, metadata, settings, chain_pem(signature_checks))
    return Bundle(_zip(code, payload, tags), four, metadata)


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # pypdf raises many kinds of error for a broken file
        return 0


def _scan(data: bytes) -> list[str]:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return active_content(Path(f.name))


def _metadata(by_stage: dict, generated: list, settings: Settings, archive: Mapping[str, str] | None) -> dict:
    handover = by_stage["handover"][0]
    docs = [d for d in resolve(handover.data, "/handover/documents") or [] if isinstance(d, dict)]
    listed = {a.get("id"): a for a in handover.data.get("attachments", []) if isinstance(a, dict)}
    codes = archival_codes(handover.data, settings.fonds, archive)
    return {
        "project": handover.data.get("project"),
        "fonds": settings.fonds,
        "draft": archive is None,
        **({"draft_note": DRAFT_NOTE} if archive is None else {}),
        "packages": {s: {"sha256": p.sha256, "submitted_on": p.data.get("submitted_on")} for s, (p, _r) in by_stage.items()},
        "archived_documents": [
            {"archival_code": code, "category": d.get("category"), "title": d.get("title"), "responsible": d.get("responsible"),
             "date": d.get("date"), "pages": d.get("pages"), "retention": d.get("retention"),
             "path": f"data/handover/package/{listed.get(d.get('file'), {}).get('file', '')}",
             "sha256": listed.get(d.get("file"), {}).get("sha256")} for d, code in zip(docs, codes)],
        "generated_documents": generated,
    }


def catalogue(metadata: dict) -> dict:
    """The catalogue tag file: the fonds, the project and every archived document with its code."""
    project = metadata.get("project") if isinstance(metadata.get("project"), dict) else {}
    return {
        "catalogue_version": "1.0",
        "fonds": metadata["fonds"],
        "project_code": project.get("code"),
        "community": project.get("community"),
        "draft": metadata["draft"],
        "documents": [{"no": n, **{k: d.get(k) for k in ("archival_code", "title", "category", "responsible", "date", "pages",
                                                       "retention", "path", "sha256")}}
                      for n, d in enumerate(metadata["archived_documents"], start=1)],
    }


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def _project_title(doc: dict) -> str:
    """项目名称 as the archive names the bag: 1.1 gives it; a 1.0 project is named after its community."""
    return project_name(doc) if is_multi(doc) else f"{project_name(doc)}综合改造提升项目"


def _tag_files(by_stage: dict, payload: dict, four: FourPropertyReport, metadata: dict, settings: Settings,
               chain: bytes = b"") -> dict[str, bytes]:
    handover = by_stage["handover"][0]
    digests = {path: _digests(data) for path, data in sorted(payload.items())}
    total = sum(len(b) for b in payload.values())
    info = [
        ("Source-Organization", v.text(handover.data, "/submitter/unit") or ""),
        ("Contact-Name", v.text(handover.data, "/submitter/contact") or ""),
        ("Contact-Phone", v.text(handover.data, "/submitter/phone") or ""),
        ("External-Identifier", handover.project_code or ""),
        ("External-Description", f"{_project_title(handover.data)}档案（计划申报、项目验收、档案移交）"),
        ("Bagging-Date", v.text(handover.data, "/handover/date") or ""),
        ("Bag-Software-Agent", f"jiugai {__version__}"),
        ("Bag-Size", _size(total)),
        ("Payload-Oxum", f"{total}.{len(payload)}"),
    ]
    tags = {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": "".join(f"{k}: {' '.join(str(val).split())}\n" for k, val in info).encode("utf-8"),
        "manifest-sha256.txt": "".join(f"{sha}  {path}\n" for path, (sha, _sm3) in digests.items()).encode("utf-8"),
        "sm3-digests.txt": "".join(f"{sm3}  {path}\n" for path, (_sha, sm3) in digests.items()).encode("utf-8"),
        "archive-metadata.json": json.dumps(metadata, ensure_ascii=False, indent=2, default=str).encode("utf-8"),
        CATALOGUE: json.dumps(catalogue(metadata), ensure_ascii=False, indent=2, default=str).encode("utf-8"),
        "four-property-check.json": json.dumps(to_json(four), ensure_ascii=False, indent=2).encode("utf-8"),
        "four-property-check.pdf": four_property_pdf(four, handover, settings),
    }
    if chain:  # the certificates of the documents' signatures, signer first (PEM)
        tags["signing-certificates.pem"] = chain
    tags["tagmanifest-sha256.txt"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                                              for name, data in sorted(tags.items())).encode("utf-8")
    return tags


def _zip(root: str, payload: dict, tags: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        entries = sorted([(name, data) for name, data in tags.items()]) + sorted(payload.items())
        for name, data in entries:
            info = zipfile.ZipInfo(f"{root}/{name}", _EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORED) else zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


__all__ = ["BagRefused", "Bundle", "build", "PROPERTIES"]
