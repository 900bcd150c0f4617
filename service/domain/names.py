"""File names the service makes out of package text (batch zips, download names) — safe on every system.

A community may be called anything the schema accepts, `a/../../tmp/x` or `<>"|` included; a name
built from it must never climb out of its folder, hide its real extension behind a bidi override,
or be a name Windows refuses. Names the street chose itself (zip entries, attachments[].file) are
never renamed here: those are refused at the door instead (reader and schema).
"""
from __future__ import annotations

import re

# Path separators, Windows' forbidden characters, C0/C1 controls, and the bidi embeddings,
# overrides and isolates (U+202A–202E, U+2066–2069) plus the marks that steer them.
_UNSAFE = re.compile("[/\\\\<>:\"|?*\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# The characters that make a name lie about itself (or break a line of a message that quotes it).
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_DOTS = re.compile(r"\.{2,}")
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])", re.IGNORECASE)


def safe_name(text: str, fallback: str = "_", limit: int = 120) -> str:
    """`text` as one file-name component: nothing that separates, climbs, hides or is reserved."""
    name = _DOTS.sub("_", _UNSAFE.sub("_", text))
    name = name.strip(" .")  # Windows drops trailing dots and spaces; a leading dot hides the file
    if len(name) > limit:
        name = name[:limit].rstrip(" .")
    if not name:
        return fallback
    if _RESERVED.fullmatch(name.split(".", 1)[0].rstrip(" ")):
        name = "_" + name  # CON, NUL.txt, com1.pdf … are devices on Windows, whatever the extension
    return name


class UniqueNames:
    """Hands out names unique within each folder (case-insensitively): a collision gets " (2)", " (3)"…"""

    def __init__(self):
        self._given: dict[tuple[str, str], str] = {}
        self._taken: set[tuple[str, str]] = set()

    def name(self, folder: str, text: str, suffix: str = "", fallback: str = "_") -> str:
        """The safe name for `text` (+ `suffix`, e.g. ".pdf") in `folder`; the same text gets the same name."""
        key = (folder, text + suffix)
        if key in self._given:
            return self._given[key]
        base = safe_name(text, fallback)
        candidate, n = base + suffix, 1
        while (folder, candidate.casefold()) in self._taken:
            n += 1
            candidate = f"{base} ({n}){suffix}"
        self._taken.add((folder, candidate.casefold()))
        self._given[key] = candidate
        return candidate


def visible(text: str) -> str:
    """`text` with its invisible characters written as \\uXXXX (to quote a refused name), the rest as is."""
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
