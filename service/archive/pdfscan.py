"""What a PDF may carry that an archive must not: JavaScript, launch actions, embedded files."""
from __future__ import annotations

from pathlib import Path

import pikepdf

# Named in both languages: the words go into Chinese and English reports alike.
_ACTIVE = {"/JavaScript": "JavaScript 脚本", "/JS": "JavaScript 脚本", "/Launch": "Launch 启动动作",
           "/EmbeddedFiles": "embedded files 嵌入文件", "/EmbeddedFile": "embedded files 嵌入文件",
           "/RichMedia": "rich media 富媒体"}


def _walk(obj, found: set[str], depth: int = 0) -> None:
    """Look through an object and the direct objects inside it (indirect ones are visited on their own)."""
    if depth > 50:
        return
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for key in obj.keys():
            if key in _ACTIVE:
                found.add(_ACTIVE[key])
        subtype = obj.get("/S")
        if isinstance(subtype, pikepdf.Name) and str(subtype) in ("/JavaScript", "/Launch"):
            found.add(_ACTIVE[str(subtype)])
        for key in obj.keys():
            value = obj.get(key)
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                _walk(value, found, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                _walk(value, found, depth + 1)


def active_content(path: Path) -> list[str]:
    """The kinds of active content found in the PDF at `path` (empty when it is clean)."""
    found: set[str] = set()
    try:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                _walk(obj, found)
    except Exception:  # pikepdf raises PdfError, PasswordError, ...: the usability check reports those
        return []
    return sorted(found)
