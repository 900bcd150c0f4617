"""Convert the Noto SC OpenType (CFF) fonts to TrueType outlines, which reportlab can embed.

    pip install pylopdf-fonts-zh-cn==0.1.1 fonttools==4.68.0
    python templates/fonts/build_fonts.py
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


if __name__ == "__main__":
    import pylopdf_fonts_zh_cn

    source = Path(pylopdf_fonts_zh_cn.__file__).parent
    for face in ("NotoSerifSC-Regular", "NotoSansSC-Regular"):
        otf_to_ttf(source / f"{face}.otf", HERE / f"{face}.ttf")
        print(f"templates/fonts/{face}.ttf")
