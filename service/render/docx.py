"""Fill a Word template with docxtpl: escaped, reproducible, fast after the first use."""
from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment
from markupsafe import Markup

from service.render import gbt9704 as g
from service.render.zipfix import normalise_zip


class _CompiledOnce(Environment):
    """docxtpl compiles the template's XML on every render; the XML is the same each time."""

    @lru_cache(maxsize=64)
    def _compiled(self, source: str):
        return super().from_string(source)

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        return self._compiled(source)


# autoescape: package text such as "R&D <东段>" stays text, never XML or template syntax.
_ENV = _CompiledOnce(autoescape=True)


@lru_cache(maxsize=16)
def _template_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _chars(text: str) -> float:
    """Width in grid characters: full-width 1, Latin letters and digits half."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def closing_unit_right(unit: str, date_text: str) -> int:
    """The right indent (twips) that centres 署名 over 成文日期, itself right-indented four characters."""
    from service.render.docx_template import DATE_RIGHT_TWIPS, TWIPS_PER_MM

    pitch = 156 / 28 * TWIPS_PER_MM
    return max(0, round(DATE_RIGHT_TWIPS + (_chars(date_text) - _chars(unit)) / 2 * pitch))


def tight_at(plan: dict):
    """The template's `tight_at(block, item=0)`: for the body paragraphs from the first on the page
    the PDF's layout tightened (service.render.pdf.plan) to the end, that page's exact leading,
    off the line grid (LibreOffice keeps a snapped line on the grid's pitch whatever its spacing;
    Word keeps the characters on the character grid, a run's own setting)."""
    if not plan:
        return lambda block, item=0: ""
    line = int(g.BODY_LINE_TWIPS * plan["tight"][1])  # rounded down: never looser than the plan's
    start = tuple(plan["from"])
    # (autoSpaceDE/DN are off in Normal already)
    xml = Markup(f'<w:snapToGrid w:val="0"/><w:spacing w:line="{line}" w:lineRule="exact"/>')
    return lambda block, item=0: xml if (block, item) >= start else ""


def render(path: Path, context: dict, issued: date, title: str, plan: dict | None = None) -> bytes:
    """The filled document as bytes; the same context and date always give the same bytes.
    Its author is the issuing unit (`context["unit"]`). `plan`: the PDF's tightened page, if any."""
    template = DocxTemplate(io.BytesIO(_template_bytes(path)))
    context = {**context, "closing_unit_right": closing_unit_right(context.get("unit", ""), context.get("date_text", "")),
               "tight_at": tight_at(plan or {})}
    template.render(context, jinja_env=_ENV, autoescape=True)
    props = template.docx.core_properties
    stamp = datetime.combine(issued, time(0, 0), tzinfo=timezone.utc)
    props.created = props.modified = stamp
    props.title, props.subject = title, context.get("doc_number", "")
    props.author = props.last_modified_by = context.get("unit") or "jiugai"
    props.revision = 1
    out = io.BytesIO()
    template.save(out)
    return normalise_zip(out.getvalue())
