"""Shared, lazily built objects of the application (built on first use, never at import)."""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from service.domain.check import Checker
from service.resources import schemas


@cache
def checker() -> Checker:
    """The checker with the shipped schemas and calendar, plus JIUGAI_CALENDAR_FILES if set."""
    extra = [Path(p) for p in os.environ.get("JIUGAI_CALENDAR_FILES", "").split(os.pathsep) if p]
    return Checker.from_dir(schemas(), extra)
