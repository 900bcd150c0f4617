"""Benchmark of `jiugai bag` (issue 4) on the spec's three examples: the whole build, split into
rendering, hashing and zipping, beside `sha256sum` + `zip` of the same bytes in the same run.
Goal: the build within 2x of that floor plus the render time. Run: make bench
"""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.adapters.reader import open_package  # noqa: E402
from service.archive import bag  # noqa: E402
from service.usecases.documents import render  # noqa: E402
from service.domain.documents import kinds  # noqa: E402
from service.services import checker  # noqa: E402
from timing import median_time  # noqa: E402

EXAMPLES = [ROOT / "fixtures" / "examples" / s for s in ("declaration", "acceptance", "handover")]


def main() -> None:
    c = checker()
    with contextlib.ExitStack() as stack:
        pairs = [(p, c.check(p)) for p in (stack.enter_context(open_package(e)) for e in EXAMPLES)]
        bundle = bag.build(pairs, c)
        t_build = median_time(lambda: bag.build(pairs, c))

        def render_all():
            for package, report in pairs:
                for kind in (k for k in kinds().values() if k.stage == package.stage):
                    for fmt in ("pdf", "docx"):
                        render(kind.kind, fmt, package, report, c)

        # The build renders each document twice (the second time to prove it re-renders the same).
        t_render = 2 * median_time(render_all)
        payload = {}
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(bundle.data)) as z:
            for info in z.infolist():
                payload[info.filename] = z.read(info)
        from service.archive.report import four_property_pdf

        t_report = median_time(lambda: four_property_pdf(bundle.four_property, pairs[2][0], bag.Settings.from_env()))
        t_render += t_report
        t_hash = median_time(lambda: [bag._digests(d) for d in payload.values()])
        t_zip = median_time(lambda: bag._zip("X", {k: v for k, v in payload.items()}, {}))
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in payload.items():
                (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
                (Path(tmp) / name).write_bytes(data)

            def floor():
                files = [str(p) for p in Path(tmp).rglob("*") if p.is_file()]
                subprocess.run(["sha256sum", *files], capture_output=True, check=True)
                out = Path(tmp).parent / f"{Path(tmp).name}.zip"
                out.unlink(missing_ok=True)
                subprocess.run(["zip", "-q", "-r", str(out), "."], cwd=tmp, check=True)
                out.unlink()

            t_floor = median_time(floor) if shutil.which("zip") else float("nan")
    print(f"bundle: {len(bundle.data) / 1024:.0f} KB, {len(payload)} files")
    print(f"build (in-process):     {t_build * 1000:7.1f} ms")
    print(f"  rendering:            {t_render * 1000:7.1f} ms  (6 documents twice, and the four-property report PDF: {t_report * 1000:.1f} ms)")
    print(f"  hashing sha256+sm3:   {t_hash * 1000:7.1f} ms")
    print(f"  zipping:              {t_zip * 1000:7.1f} ms")
    print(f"  the rest (package checks, file inspection, metadata): {(t_build - t_render - t_hash - t_zip) * 1000:.1f} ms")
    print(f"floor sha256sum + zip:  {t_floor * 1000:7.1f} ms")
    print(f"build / (2 x floor + render) = {t_build / (2 * t_floor + t_render):.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main()
