"""Write the Word templates from service/render/layouts.py: .venv/bin/python templates/build.py

The templates are committed; a test checks they are what this script writes.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from service.render.docx_template import build  # noqa: E402
from service.render.layouts import LAYOUTS, TEMPLATE_TITLES  # noqa: E402


def main() -> None:
    for kind, layout in ((k, LAYOUTS[k]) for k in TEMPLATE_TITLES):
        (HERE / f"{kind}.docx").write_bytes(build(layout, TEMPLATE_TITLES[kind]))
        print(f"templates/{kind}.docx")


if __name__ == "__main__":
    main()
