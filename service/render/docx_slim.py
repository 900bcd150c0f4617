"""Strip a python-docx document down to what the template uses, so every fill is fast.

python-docx's default document carries 800 KB of styles (stylesWithEffects, latent styles,
hundreds of unused styles), a thumbnail and custom XML; a filled notice needs none of them.
"""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from service.render.zipfix import normalise_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DROP = re.compile(r"^(word/stylesWithEffects\.xml|docProps/thumbnail\.jpeg|customXml/.*)$")
_DROP_TARGETS = ("stylesWithEffects.xml", "thumbnail.jpeg", "customXml/")


def _used_styles(parts: dict[str, bytes]) -> set[str]:
    used: set[str] = set()
    for name, data in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            used |= set(re.findall(rb'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', data))
    return {u.decode() for u in used}


def _prune_styles(data: bytes, used: set[str]) -> bytes:
    root = etree.fromstring(data)
    for latent in root.findall(f"{{{W}}}latentStyles"):
        root.remove(latent)
    styles = {s.get(f"{{{W}}}styleId"): s for s in root.findall(f"{{{W}}}style")}
    keep = set(used) | {i for i, s in styles.items() if s.get(f"{{{W}}}default") == "1"}
    changed = True
    while changed:  # keep what the kept styles are based on or linked to
        changed = False
        for sid in list(keep):
            style = styles.get(sid)
            if style is None:
                continue
            for tag in ("basedOn", "next", "link"):
                ref = style.find(f"{{{W}}}{tag}")
                if ref is not None and ref.get(f"{{{W}}}val") not in keep:
                    keep.add(ref.get(f"{{{W}}}val"))
                    changed = True
    for sid, style in styles.items():
        if sid not in keep:
            root.remove(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_relationships(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for rel in list(root):
        if any(t in rel.get("Target", "") for t in _DROP_TARGETS):
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_overrides(data: bytes, removed: set[str]) -> bytes:
    root = etree.fromstring(data)
    for item in list(root):
        if item.get("PartName", "").lstrip("/") in removed:
            root.remove(item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def slim(docx: bytes) -> bytes:
    """The same document without the parts and styles it does not use."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    removed = {n for n in parts if _DROP.match(n)}
    parts = {n: d for n, d in parts.items() if n not in removed}
    parts["word/styles.xml"] = _prune_styles(parts["word/styles.xml"], _used_styles(parts))
    parts["[Content_Types].xml"] = _drop_overrides(parts["[Content_Types].xml"], removed)
    for name in list(parts):
        if name.endswith(".rels"):
            parts[name] = _drop_relationships(parts[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return normalise_zip(out.getvalue())
