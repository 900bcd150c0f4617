"""A realistic programme: 93 communities across Xiacheng's eight streets in projects of one or more
communities, adding up exactly to the plan's targets (三（二）, data in schemas/programmes/), the
demo's fixture projects included, each with valid declaration, acceptance and handover packages.
Deterministic for a seed. The parts: plan.py (projects and figures), packages.py (the packages)."""
from __future__ import annotations

import io
import json
import zipfile

from service.programme.packages import STAGES, acceptance, declaration, handover
from service.programme.plan import STREETS, Community, Project, communities, fixture_projects, projects
from service.programme.targets import targets

TARGETS = targets().totals


def generated(seed: int = 2019) -> list[Project]:
    """The projects the programme submits itself: every one but the demo's fixture projects."""
    return [p for p in projects(seed) if p.fixture is None]


def zipped(doc: dict, files: dict) -> bytes:
    """A package as the zip a street office uploads."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("package.json", json.dumps(doc, ensure_ascii=False, indent=1))
        for name, data in sorted(files.items()):
            z.writestr(name, data)
    return out.getvalue()


__all__ = ["STAGES", "STREETS", "TARGETS", "Community", "Project", "acceptance", "communities", "declaration", "fixture_projects",
           "generated", "handover", "projects", "zipped"]
