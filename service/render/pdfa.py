"""Turn reportlab's PDF into PDF/A-1b (GB/T 23286.1, ISO 19005-1): output intent, XMP, fixed dates."""
from __future__ import annotations

import io
import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from xml.sax.saxutils import escape

import pikepdf

from service.resources import templates

_PRODUCER = "jiugai (reportlab, pikepdf)"


@cache
def _icc() -> bytes:
    # A version-2 sRGB profile: PDF/A-1 does not allow version 4 (Pillow's own sRGB is v4).
    return (templates() / "icc" / "sRGB-v2.icc").read_bytes()


# What XML 1.0 cannot carry (control characters but tab and line ends; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _li(value: str, lang: bool = True) -> str:
    """An rdf:li holding `value` as lxml writes it: line ends as LF, and empty, it closes itself."""
    if not _NOT_XML.search(value):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # else left as it was: pikepdf parses the packet again (see _xmp), and how its parser recovers
    # from such characters depends on what is around them
    text = escape(value)
    attr = ' xml:lang="x-default"' if lang else ""
    return f"<rdf:li{attr}>{text}</rdf:li>" if text else f"<rdf:li{attr}/>"


def _xmp(title: str, subject: str, stamp: str, author: str) -> bytes:
    """The XMP packet, written as pikepdf serialises it when it saves (xmlns before rdf:about, a
    blank line before the closing processing instruction): so the save need not parse the packet
    and write it again (`fix_metadata_version`), which took a quarter of the PDF/A pass. A text
    with characters XML cannot carry is still parsed and written again: how the parser recovers
    from them (it drops more than the character) is its own."""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" rdf:about="">
<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about="">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt>{_li(title)}</rdf:Alt></dc:title>
<dc:creator><rdf:Seq>{_li(author, lang=False)}</rdf:Seq></dc:creator>
<dc:description><rdf:Alt>{_li(subject)}</rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" rdf:about="">
<xmp:CreatorTool>jiugai</xmp:CreatorTool><xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate><xmp:MetadataDate>{stamp}</xmp:MetadataDate>
</rdf:Description>
<rdf:Description xmlns:pdf="http://ns.adobe.com/pdf/1.3/" rdf:about="">
<pdf:Producer>{_PRODUCER}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>

<?xpacket end="w"?>
""".encode("utf-8")


_ASTRAL = re.compile(rb"<([0-9A-Fa-f]{5,6})>")


def _utf16(match: re.Match) -> bytes:
    code = int(match.group(1), 16)
    return b"<" + chr(code).encode("utf-16-be").hex().upper().encode() + b">"


@contextmanager
def noting_subsets():
    """A context in which reportlab notes, as it writes each font subset, whether the PDF/A pass
    must look at it: a subset with characters beyond the BMP (`_fix_to_unicode`), or of a face
    whose units per em are not 1000 (`_fix_widths`). Yields the set of their BaseFont names; most
    documents have none, and the pass then reads no font back."""
    _install()
    noted: set[str] = set()
    token = _NOTED.set(noted)
    try:
        yield noted
    finally:
        _NOTED.reset(token)


# The subsets noted in the render under way (a context variable: renders in threads do not mix).
_NOTED: ContextVar[set[str] | None] = ContextVar("jiugai_noted_subsets", default=None)


def _install() -> None:
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap  # called once per subset, with its name and characters
    if getattr(original, "notes_subsets", False):
        return

    def make(fontname: str, subset: list[int]) -> str:
        noted = _NOTED.get()
        if noted is not None and (max(subset, default=0) > 0xFFFF or _units_per_em(fontname.split("+")[-1]) != 1000):
            noted.add(fontname)
        return original(fontname, subset)

    make.notes_subsets = True
    ttfonts.makeToUnicodeCMap = make


def _fix_to_unicode(font: pikepdf.Object) -> None:
    """reportlab writes characters outside the BMP into ToUnicode as 5-digit hex, which readers
    reject; write them as UTF-16 surrogate pairs so such a name can be searched and copied."""
    cmap = font.get("/ToUnicode")
    if cmap is not None:
        data = cmap.read_bytes()
        fixed = _ASTRAL.sub(_utf16, data)
        if fixed != data:
            cmap.write(fixed)


def _fix_widths(font: pikepdf.Object, base: str) -> None:
    """Make an embedded TrueType subset's /Widths what its own hmtx says (PDF/A 6.3.6).

    reportlab takes advance widths as if every font had 1000 units per em; a fallback face
    such as HanaMin (1024 units) then disagrees with itself, which PDF/A forbids."""
    from fontTools.ttLib import TTFont

    if "/FontDescriptor" not in font or "/FontFile2" not in font.FontDescriptor:
        return
    if _units_per_em(base.split("+")[-1]) == 1000:
        return  # the shipped faces: reportlab's widths are right, no need to read the program
    program = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
    scale = 1000 / program["head"].unitsPerEm
    if scale == 1:
        return
    # reportlab's subsets carry only a (1, 0) cmap: code -> glyph, as /Widths counts.
    tables = program["cmap"].tables
    cmap, hmtx = (program.getBestCmap() or (tables[0].cmap if tables else {})), program["hmtx"]
    first = int(font.FirstChar)
    widths = list(font.Widths)
    for i in range(len(widths)):
        glyph = cmap.get(first + i)
        if glyph is not None:
            widths[i] = round(hmtx[glyph][0] * scale, 4)
    font.Widths = pikepdf.Array(widths)


def _fix_fonts(pdf: pikepdf.Pdf, noted: set[str] | None) -> None:
    """Each font once: its ToUnicode and widths; only the subsets `noted` (None: every font)."""
    if noted is not None and not noted:
        return
    seen: set = set()
    for page in pdf.pages:
        for _name, font in page.resources.get("/Font", {}).items():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            base = str(font.get("/BaseFont", ""))
            if noted is None or base.lstrip("/") in noted:
                _fix_to_unicode(font)
                _fix_widths(font, base)


_UNITS: dict[str, int | None] = {}


def _units_per_em(face_name: str) -> int | None:
    """The units per em of a font reportlab has registered under this face name, if any (looked
    up once per face: going through every registered font for every subset cost more than the fix)."""
    from reportlab.pdfbase import pdfmetrics

    if face_name not in _UNITS:
        for name in pdfmetrics.getRegisteredFontNames():
            face = getattr(pdfmetrics.getFont(name), "face", None)
            if face is not None and getattr(face, "name", b"") in (face_name, face_name.encode()):
                _UNITS[face_name] = getattr(face, "unitsPerEm", None)
                break
        else:
            return None  # not registered (yet): not remembered
    return _UNITS[face_name]


def convert(data: bytes, title: str, subject: str, issued: date, author: str = "jiugai",
            noted: set[str] | None = None) -> bytes:
    """PDF/A-1b bytes from reportlab's output, dated `issued` (so the bytes are reproducible); `author`
    is the issuing unit (Info Author and XMP dc:creator agree, as PDF/A asks). `noted`: the subsets
    `noting_subsets` noted while reportlab wrote `data` (None: every font is looked at)."""
    pdf = pikepdf.open(io.BytesIO(data))
    _fix_fonts(pdf, noted)
    profile = pikepdf.Stream(pdf, _icc())
    profile["/N"] = 3
    pdf.Root["/OutputIntents"] = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"), Info=pikepdf.String("sRGB IEC61966-2.1"),
        DestOutputProfile=profile)])
    stamp_pdf = f"D:{issued:%Y%m%d}000000+00'00'"
    stamp_xmp = f"{issued:%Y-%m-%d}T00:00:00+00:00"
    info = pdf.trailer["/Info"] = pdf.make_indirect(pikepdf.Dictionary(
        Title=pikepdf.String(title), Author=pikepdf.String(author), Subject=pikepdf.String(subject),
        Creator=pikepdf.String("jiugai"), Producer=pikepdf.String(_PRODUCER),
        CreationDate=pikepdf.String(stamp_pdf), ModDate=pikepdf.String(stamp_pdf)))
    del info
    metadata = pikepdf.Stream(pdf, _xmp(title, subject, stamp_xmp, author))
    metadata["/Type"], metadata["/Subtype"] = pikepdf.Name.Metadata, pikepdf.Name.XML
    pdf.Root["/Metadata"] = pdf.make_indirect(metadata)
    out = io.BytesIO()
    # PDF/A-1 is PDF 1.4: no object streams; the XMP packet stays unfiltered, as _xmp wrote it.
    pdf.save(out, deterministic_id=True, compress_streams=False, force_version="1.4",
             object_stream_mode=pikepdf.ObjectStreamMode.disable, qdf=False,
             fix_metadata_version=any(_NOT_XML.search(v) for v in (title, subject, author)))
    return out.getvalue()
