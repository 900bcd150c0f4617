"""`make run`: what jiugai can do so far, on the shipped examples and fixtures."""
from __future__ import annotations

from pathlib import Path

from service.adapters.reader import PackageError, open_package
from service.report import to_text
from service.resources import data_dir
from service.services import checker


def main() -> int:
    """Check every example and fixture package and print each report (Chinese)."""
    root = data_dir("schemas").parent / "fixtures"
    folders = sorted(p.parent for p in root.glob("*/*/package.json"))
    if not folders:
        print("jiugai: no fixtures found next to the schemas/ folder (run from a checkout)")
        return 1
    for folder in folders:
        try:
            with open_package(folder) as package:
                print(f"== {folder.relative_to(root)}")
                print(to_text(checker().check(package)))
        except PackageError as exc:
            print(f"== {folder}: {exc}")
    print(f"\n{len(folders)} packages checked. Try: .venv/bin/jiugai check fixtures/examples/declaration --format json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
