"""Convert the Noto SC OpenType (CFF) fonts to TrueType outlines, which reportlab can embed, and
subset LXGW WenKai to GB2312 as the 楷体 of second-level headings (renamed: OFL Reserved Font Name).

    pip install pylopdf-fonts-zh-cn==0.1.1 fonttools==4.68.0
    apt-get install fonts-lxgw-wenkai          # 1.250+repack-1 (Debian 12)
    python templates/fonts/build_fonts.py [kai]
"""
from __future__ import annotations

from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = Path(__file__).resolve().parent


def otf_to_ttf(src: Path, dst: Path, max_err: float = 1.0) -> None:
    """Rewrite every glyph's cubic outline as quadratic (TrueType) within `max_err` units."""
    font = TTFont(src)
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(dst)


KAI_SOURCE = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
KAI_NAME = "Jiugai Kai"


def gb2312() -> set[int]:
    """Every character of GB2312 (hanzi, punctuation, full-width forms), plus ASCII."""
    chars = set(range(0x20, 0x7F))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def kai_subset(src: Path, dst: Path) -> None:
    """LXGW WenKai cut to GB2312 (15.7 MB -> a few MB), renamed: a Modified Version may not keep
    the Reserved Font Names "LXGW"/"霞鹜" (OFL 1.1, condition 3)."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features, options.name_IDs, options.name_languages = ["*"], ["*"], ["*"]
    options.hinting, options.notdef_outline = False, True
    font = TTFont(src, recalcTimestamp=False)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=gb2312())
    sub.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    for nid, value in ((1, KAI_NAME), (2, "Regular"), (3, f"{KAI_NAME} Regular (subset of LXGW WenKai 1.250)"),
                       (4, f"{KAI_NAME} Regular"), (6, "JiugaiKai-Regular")):
        names.setName(value, nid, 3, 1, 0x409)
    font.save(dst, reorderTables=True)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["kai"]:
        kai_subset(KAI_SOURCE, HERE / "JiugaiKai-Regular.ttf")
        print("templates/fonts/JiugaiKai-Regular.ttf")
        raise SystemExit(0)
    import pylopdf_fonts_zh_cn

    source = Path(pylopdf_fonts_zh_cn.__file__).parent
    for face in ("NotoSerifSC-Regular", "NotoSansSC-Regular"):
        otf_to_ttf(source / f"{face}.otf", HERE / f"{face}.ttf")
        print(f"templates/fonts/{face}.ttf")
