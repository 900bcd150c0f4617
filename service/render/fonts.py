"""The PDF's fonts: shipped free TrueType faces, a fallback chain, and an error for a character
no font covers (never a silent empty box)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from service.resources import templates

SERIF, SANS = "JG-Serif", "JG-Sans"  # the title's song face (小标宋's stand-in); 黑体 of 一、 headings
FANGSONG, KAI = "JG-Fangsong", "JG-Kai"  # 仿宋 of the body; 楷体 of （一） headings
# Faces a deployment may have for rare characters (CJK Extension B and beyond); used when present.
KNOWN_FALLBACKS = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
)


class MissingGlyph(ValueError):
    """A character that none of the fonts can draw."""

    def __init__(self, char: str, fonts: list[str]):
        super().__init__(f"no font covers the character {char} (U+{ord(char):04X}); fonts tried: {', '.join(fonts)}. "
                         f"Add a TrueType font that has it to JIUGAI_PDF_FALLBACK_FONTS")
        self.char = char
        self.fonts = list(fonts)

    def __reduce__(self):
        # Rebuilt from its own arguments, so it unpickles in another process (a batch worker's parent).
        return MissingGlyph, (self.char, self.fonts)


@dataclass
class FontChain:
    """Fonts in order of preference; each character is drawn by the first that has it."""

    names: list[str]
    coverage: list[frozenset[int]]

    def font_for(self, char: str, preferred: str) -> str:
        """The font to draw `char` in, `preferred` when it has it; raises MissingGlyph."""
        code = ord(char)
        if char in "\n\t " or code in self.coverage[self.names.index(preferred)]:
            return preferred
        for name, covered in zip(self.names, self.coverage):
            if code in covered:
                return name
        raise MissingGlyph(char, self.names)

    def runs(self, text: str, preferred: str) -> list[tuple[str, str]]:
        """Split text into (font, run) pieces, each drawn by one font."""
        if text and self.coverage[self.names.index(preferred)].issuperset(map(ord, text)):
            return [(preferred, text)]  # the common case, one set operation instead of a lookup per character
        pieces: list[tuple[str, str]] = []
        for char in text:
            font = self.font_for(char, preferred)
            if pieces and pieces[-1][0] == font:
                pieces[-1] = (font, pieces[-1][1] + char)
            else:
                pieces.append((font, char))
        return pieces


def _register(name: str, path: Path) -> frozenset[int]:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def fallback_paths(environ=os.environ) -> list[Path]:
    """JIUGAI_PDF_FALLBACK_FONTS (':'-separated TrueType files), else the known faces present."""
    configured = environ.get("JIUGAI_PDF_FALLBACK_FONTS")
    if configured is not None:
        return [Path(p) for p in configured.split(os.pathsep) if p]
    return [Path(p) for p in KNOWN_FALLBACKS if Path(p).is_file()]


@cache
def chain(extra: tuple[Path, ...] | None = None) -> FontChain:
    """The font chain: the shipped faces (仿宋 first: it draws most text), then the fallbacks
    (registered once). Zhuque Fangsong lacks e.g. ∶ (U+2236): Noto Serif SC draws it."""
    folder = templates() / "fonts"
    shipped = ((FANGSONG, "ZhuqueFangsong-Regular.ttf"), (SERIF, "NotoSerifSC-Regular.ttf"),
               (SANS, "NotoSansSC-Regular.ttf"), (KAI, "JiugaiKai-Regular.ttf"))
    names, coverage = [n for n, _f in shipped], [_register(n, folder / f) for n, f in shipped]
    for i, path in enumerate(extra if extra is not None else tuple(fallback_paths())):
        name = f"JG-Fallback-{i}-{path.stem}"
        names.append(name)
        coverage.append(_register(name, path))
    return FontChain(names, coverage)
