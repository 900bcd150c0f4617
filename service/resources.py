"""Where the shipped data lives: `schemas/` and `templates/` from a checkout or an installed wheel."""
from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder `name` ('schemas' or 'templates') whichever way jiugai is installed."""
    # A wheel carries the folders inside the package (force-include in pyproject.toml);
    # a checkout or an editable install keeps them at the repository root.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"jiugai's {name}/ folder is missing from {_PACKAGE}")


def schemas() -> Path:
    """The schemas/ folder: JSON Schemas, the renovation menu, rule sets and the calendar."""
    return data_dir("schemas")


def templates() -> Path:
    """The templates/ folder of Word templates."""
    return data_dir("templates")
