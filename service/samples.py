"""`make samples`: every document of the examples and valid fixtures, and of the edge packages
below, to look at before printing.

Writes DOCX, PDF and a PNG of each PDF page into the folder given (default var/samples/).
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from service.adapters.reader import open_package
from service.documents import Blocked, render
from service.domain.documents import kinds
from service.render.fonts import MissingGlyph
from service.resources import data_dir
from service.services import checker


# 60 characters: a community and item names as long as the schema lets a street write them.
LONG_NAME = "杭州市下城区朝晖路与中山北路交叉口东北侧老旧住宅小区综合改造提升工程第一标段屋面防水与外墙立面整治及雨污分流管网改造工程一期项目"


def _forty_items(doc: dict) -> None:
    items = doc["plan"]["items"]
    doc["project"]["community"] = LONG_NAME[:60]
    doc["plan"]["items"] = [{**items[n % len(items)], "name": LONG_NAME[:60 - len(str(n))] + str(n), "budget_yuan": "405000.00"}
                            for n in range(40)]  # 40 × 405,000.00 = the example's total, 16,200,000.00


def _rare_name(doc: dict) -> None:
    doc["submitter"]["contact"] = "陈𠀾"  # CJK Extension B: drawn by a fallback font


def _extreme_amounts(doc: dict) -> None:
    doc["final_accounts"].update(total_yuan="1786200000.00", elevator_yuan="0.01")


EDGES = {"forty-items": ("declaration", _forty_items), "rare-name": ("declaration", _rare_name),
         "extreme-amounts": ("acceptance", _extreme_amounts)}


def edge_packages(folder: Path) -> list[Path]:
    """The edge packages (long names, 40 items, 𠀾, 0.01 and 1,786,200,000.00 yuan), made from the
    examples in `folder`: the attached files are the examples', so their digests still hold."""
    examples = data_dir("schemas").parent / "fixtures" / "examples"
    made = []
    for name, (stage, change) in EDGES.items():
        target = folder / "edge" / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(examples / stage, target)
        doc = json.loads((target / "package.json").read_text(encoding="utf-8"))
        change(doc)
        (target / "package.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        made.append(target)
    return made


def main(argv: list[str]) -> int:
    """Render the samples; print one line per file written or refused."""
    import pypdfium2

    out = Path(argv[0] if argv else "var/samples")
    out.mkdir(parents=True, exist_ok=True)
    fixtures = data_dir("schemas").parent / "fixtures"
    written = 0
    for folder in sorted(p.parent for p in fixtures.glob("*/*/package.json")) + edge_packages(out):
        with open_package(folder) as package:
            report = checker().check(package)
            for kind in kinds().values():
                if kind.stage != package.stage:
                    continue
                name = f"{folder.parent.name}-{folder.name}-{kind.kind}"
                for fmt in ("docx", "pdf"):
                    try:
                        document = render(kind.kind, fmt, package, report, checker())
                    except Blocked as exc:
                        print(f"refused {name}: {', '.join(sorted({f.rule for f in exc.findings}))}")
                        break
                    except MissingGlyph as exc:
                        print(f"refused {name}.{fmt}: {exc}")
                        continue
                    (out / f"{name}.{fmt}").write_bytes(document.data)
                    written += 1
                    if fmt == "pdf":
                        for n, page in enumerate(pypdfium2.PdfDocument(document.data), start=1):
                            page.render(scale=1.5).to_pil().save(out / f"{name}-page{n}.png")
    print(f"{written} documents written to {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
