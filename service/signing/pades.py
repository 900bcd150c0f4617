"""Sign an issued PDF: PAdES baseline B-B as an incremental update, with a visible field.

The unsigned PDF/A-1b render stays a byte-for-byte prefix of the signed file (an incremental
update only appends), so re-rendering a package still proves what the document says. The field
shows who signed, the document number and when (Beijing time) as plain framed text: an
electronic signature, never a picture of a seal.
"""
from __future__ import annotations

import atexit
import io
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from service.signing.keys import SigningKey

FIELD_NAME = "jiugai-signature"
BEIJING = timezone(timedelta(hours=8), "北京时间")
_STAMP_TEXT = "数字签名：%(signer)s\n文书编号：%(number)s\n签名时间：%(ts)s"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # parsed back by BeijingStampStyle
_SHOWN_FORMAT = "%Y-%m-%d %H:%M:%S（北京时间）"
# Characters the stamp may draw beyond the signer's name: the stamp's font is cut to these once.
_FIXED = "数字签名：文书编号签名时间（北京时间）0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-:. "


# Room for the CMS object: an RSA-4096 signature and a chain of four certificates fit with room over.
_RESERVED = 16384


@dataclass(frozen=True)
class Box:
    """Where the visible field goes: a page (0-based; -1 the last) and a rectangle in points."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


DEFAULT_BOX = Box(-1, 73.7, 150.0, 280.0, 200.0)  # bottom left of the type area on the last page


def shown_time(moment: datetime) -> str:
    """A signing time as the field shows it, in Beijing time."""
    return moment.astimezone(BEIJING).strftime(_SHOWN_FORMAT)


@lru_cache(maxsize=8)
def _stamp_font(chars: str) -> str:
    """A TrueType file holding only the glyphs the stamp can need (cut once per process)."""
    import tempfile

    from fontTools import subset

    from service.resources import templates

    options = subset.Options(layout_closure=False, name_IDs=["*"], notdef_outline=True)
    # The default instance only: no variations, no layout tables (the stamp needs no shaping).
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "BASE", "VORG", "gvar", "fvar", "avar", "HVAR", "MVAR", "STAT", "cvar"]
    font = subset.load_font(str(templates() / "fonts" / "NotoSansSC-Regular.ttf"), options)
    cutter = subset.Subsetter(options)
    cutter.populate(text=chars)
    cutter.subset(font)
    # A private folder per process (a shared, predictable name in /tmp could be planted), removed at exit.
    folder = tempfile.mkdtemp(prefix="jiugai-stamp-")
    atexit.register(shutil.rmtree, folder, True)
    out = Path(folder) / "stamp.ttf"
    subset.save_font(font, str(out), options)
    return str(out)


@lru_cache(maxsize=8)
def _font_bytes(path: str) -> tuple[bytes, int]:
    from fontTools.ttLib import TTFont

    data = Path(path).read_bytes()
    return data, TTFont(io.BytesIO(data))["maxp"].numGlyphs


def _all_bits(count: int) -> bytes:
    """A bit string with the first `count` bits set, high bit first."""
    full, rest = divmod(count, 8)
    return b"\xff" * full + (bytes([(0xFF << (8 - rest)) & 0xFF]) if rest else b"")


def _writer(data: bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class KeepMetadataWriter(IncrementalPdfFileWriter):
        """pyHanko rewrites the producer and modification date in /Info and the XMP packet when it
        appends; the two must stay as they are for PDF/A (they agree with each other), and the
        signature carries its own time, so the signing revision leaves them alone."""

        def _update_meta(self):
            return None

    return KeepMetadataWriter(io.BytesIO(data), strict=False)


@lru_cache(maxsize=8)
def _style(name: str):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    class BeijingStampStyle(TextStampStyle):
        """pyHanko formats the time in the machine's zone; the field shows it in Beijing time."""

        def create_stamp(self, writer, box, text_params):
            params = dict(text_params)
            if "ts" in params:
                params["ts"] = shown_time(datetime.strptime(params["ts"], _TS_FORMAT))
            return super().create_stamp(writer, box, params)

    class PreCutFont(GlyphAccumulatorFactory):
        """The font file is already cut to the stamp's characters: embed it whole rather than let
        fontTools cut it again for every signature."""

        def create_font_engine(self, writer, obj_stream=None):
            from pyhanko.pdf_utils import generic

            engine = super().create_font_engine(writer, obj_stream)
            engine._subset_created = True
            cid_font = engine.cidfont_obj

            def set_font_file(target):  # the file's own bytes, not fontTools' recompilation of them
                program, glyphs = _font_bytes(self.font_file)
                stream = generic.StreamObject(stream_data=program)
                stream.compress()
                ref = target.add_object(stream)
                descriptor = cid_font._font_descriptor
                descriptor[generic.pdf_name("/FontFile2")] = ref
                # PDF/A-1 (6.3.5) wants a CIDSet for a subset font: every glyph of the cut file is used.
                cid_set = generic.StreamObject(stream_data=_all_bits(glyphs))
                cid_set.compress()
                descriptor[generic.pdf_name("/CIDSet")] = target.add_object(cid_set)
                return ref

            cid_font.set_font_file = set_font_file
            return engine

    # No object streams (PDF/A-1 is PDF 1.4) and no background or transparency (PDF/A-1 forbids it).
    font = PreCutFont(_stamp_font("".join(sorted(set(_FIXED + name)))), font_size=8,
                                   create_objstream_if_needed=False)
    return BeijingStampStyle(text_box_style=TextBoxStyle(font=font, font_size=8, leading=11), stamp_text=_STAMP_TEXT,
                             timestamp_format=_TS_FORMAT, border_width=1, background=None)


def sign(data: bytes, key: SigningKey, number: str, box: Box = DEFAULT_BOX) -> bytes:
    """The PDF signed with `key`; `data` is an unchanged prefix of the result."""
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = _writer(data)
    page = box.page if box.page >= 0 else int(writer.root["/Pages"]["/Count"]) + box.page
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
                                        reason=f"文书编号 {number}", location="杭州市上城区", name=key.name)
    spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=(box.x1, box.y1, box.x2, box.y2))
    signer = signers.PdfSigner(meta, signer=key.signer, stamp_style=_style(key.name), new_field_spec=spec)
    params = {"number": number}
    try:
        # A fixed reservation spares pyHanko a dummy signature to measure one (a third of the time).
        out = signer.sign_pdf(writer, output=io.BytesIO(), bytes_reserved=_RESERVED, appearance_text_params=params)
    except Exception:  # noqa: BLE001 - a key with a longer chain than foreseen: let pyHanko measure it
        writer = _writer(data)
        out = signer.sign_pdf(writer, output=io.BytesIO(), appearance_text_params=params)
    return out.getvalue()
