"""Make a template built with python-docx read as the district's own Word file: no traces of the
library's default template (Japanese theme fonts, "Microsoft Macintosh Word", ＭＳ 明朝 in the
font table), East Asian language zh-CN, the GB/T 9704 font names each with an altName of the free
face the project ships, and the document grid of 28 × 22 (`linesAndChars`).
"""
from __future__ import annotations

import io
import re
import zipfile

from service.render import gbt9704 as g
from service.render.zipfix import normalise_zip

_THEME = "word/theme/theme1.xml"
# The GB/T 9704 names office PCs have, and the free face drawn where they are missing.
FONTS = {g.WORD_BODY_FONT: "Zhuque Fangsong", g.WORD_TITLE_FONT: "Noto Serif SC",
         g.WORD_HEADING1_FONT: "Noto Sans SC", g.WORD_HEADING2_FONT: "Jiugai Kai"}
_FONT_ROLE = {g.WORD_BODY_FONT: "modern", g.WORD_TITLE_FONT: "roman", g.WORD_HEADING1_FONT: "modern",
              g.WORD_HEADING2_FONT: "modern"}

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>jiugai</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"""


def _font_table() -> str:
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{_FONT_ROLE[name]}"/><w:pitch w:val="fixed"/></w:font>' for name, alt in FONTS.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
            f'{fonts}</w:fonts>')


def doc_grid() -> str:
    """28 characters of 3号 on 156 mm, 22 lines on 225 mm: pitch in twips, char space in 1/4096 pt."""
    width_pt = (210 - g.LEFT_MM - g.RIGHT_MM) / 25.4 * 72
    char_space = round((width_pt / 28 - g.BODY_PT) * 4096)
    return f'<w:docGrid w:type="linesAndChars" w:linePitch="{round(g.BODY_LEADING * 20)}" w:charSpace="{char_space}"/>'


def _styles(xml: str) -> str:
    body = g.WORD_BODY_FONT
    fonts = f'<w:rFonts w:ascii="{body}" w:eastAsia="{body}" w:hAnsi="{body}" w:cs="{body}"/>'
    xml = re.sub(r"<w:rFonts [^>]*Theme[^>]*/>", fonts, xml)
    # the grid's character pitch is reckoned from the default size: 3号, the body's
    xml = re.sub(r'(<w:rPrDefault>.*?)<w:sz w:val="\d+"/><w:szCs w:val="\d+"/>', lambda m: m.group(1) +
                 f'<w:sz w:val="{g.BODY_PT * 2}"/><w:szCs w:val="{g.BODY_PT * 2}"/>', xml, count=1, flags=re.S)
    return re.sub(r'<w:lang [^>]*/>', '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>', xml)


def _settings(xml: str) -> str:
    xml = re.sub(r"<w:themeFontLang [^>]*/>", '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>', xml)
    return re.sub(r"<w:attachedTemplate [^>]*/>", "", xml)


def office(docx: bytes) -> bytes:
    """The same document as the district's Word file (see the module's docstring)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        parts = {i.filename: src.read(i).decode("utf-8") if not i.filename.endswith((".jpeg", ".png")) else src.read(i)
                 for i in src.infolist()}
    parts.pop(_THEME, None)
    parts["[Content_Types].xml"] = re.sub(r'<Override PartName="/word/theme/theme1.xml"[^>]*/>', "", parts["[Content_Types].xml"])
    rels = "word/_rels/document.xml.rels"
    parts[rels] = re.sub(r'<Relationship [^>]*Target="theme/theme1.xml"/>', "", parts[rels])
    parts["docProps/app.xml"] = _APP
    parts["word/fontTable.xml"] = _font_table()
    parts["word/styles.xml"] = _styles(parts["word/styles.xml"])
    parts["word/settings.xml"] = _settings(parts["word/settings.xml"])
    parts["word/document.xml"] = re.sub(r"<w:docGrid [^>]*/>", doc_grid(), parts["word/document.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return normalise_zip(out.getvalue())
