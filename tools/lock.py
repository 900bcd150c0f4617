"""Write requirements.lock (runtime and build) and requirements-test.lock from the installed .venv.

Install first what pyproject.toml asks for (`.venv/bin/pip install -e '.[test]' hatchling editables`),
then: .venv/bin/python tools/lock.py
"""
from __future__ import annotations

import importlib.metadata as md
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ["hatchling", "editables", "babel"]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(req: str) -> tuple[str, set[str]]:
    match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?", req)
    return norm(match.group(1)), {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}


def closure(reqs: list[str]) -> set[str]:
    """Every distribution the requirements pull in (with their extras), as installed here."""
    seen: set[tuple[str, frozenset]] = set()
    names: set[str] = set()
    todo = [_parse(r) for r in reqs]
    while todo:
        name, extras = todo.pop()
        if (name, frozenset(extras)) in seen:
            continue
        seen.add((name, frozenset(extras)))
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        names.add(name)
        for req in dist.requires or []:
            marker = req.split(";", 1)[1] if ";" in req else ""
            wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
            if wanted and not set(wanted) & extras:
                continue
            if "win32" in marker or "Windows" in marker or "python_version < \"3.11\"" in marker.replace("'", '"'):
                continue
            todo.append(_parse(req.split(";")[0]))
    return names


def main() -> None:
    jiugai = md.distribution("jiugai")
    runtime_reqs = [r for r in jiugai.requires if "extra ==" not in r]
    test_reqs = [r.split(";")[0] for r in jiugai.requires if "extra ==" in r and "test" in r.split(";")[1]]
    runtime = closure(runtime_reqs + BUILD) - {"jiugai"}
    test = closure(test_reqs) - runtime - {"jiugai"}
    pin = lambda n: f"{md.distribution(n).metadata['Name']}=={md.version(n)}"  # noqa: E731
    (ROOT / "requirements.lock").write_text(
        "# Exact versions every install uses (runtime and build backend). Regenerate with tools/lock.py.\n"
        + "\n".join(sorted((pin(n) for n in runtime), key=str.lower)) + "\n")
    (ROOT / "requirements-test.lock").write_text(
        "# Test tools, on top of requirements.lock. Regenerate with tools/lock.py.\n-r requirements.lock\n"
        + "\n".join(sorted((pin(n) for n in test), key=str.lower)) + "\n")
    print(f"{len(runtime)} runtime and {len(test)} test packages locked")


if __name__ == "__main__":
    main()
