"""Fill a Word template with docxtpl: escaped, reproducible, fast after the first use."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment

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


def render(path: Path, context: dict, issued: date, title: str) -> bytes:
    """The filled document as bytes; the same context and date always give the same bytes."""
    template = DocxTemplate(io.BytesIO(_template_bytes(path)))
    template.render(context, jinja_env=_ENV, autoescape=True)
    props = template.docx.core_properties
    stamp = datetime.combine(issued, time(0, 0), tzinfo=timezone.utc)
    props.created = props.modified = stamp
    props.title, props.subject = title, context.get("doc_number", "")
    props.author = props.last_modified_by = "jiugai"
    props.revision = 1
    out = io.BytesIO()
    template.save(out)
    return normalise_zip(out.getvalue())
