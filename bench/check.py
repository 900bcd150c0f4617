"""Benchmark of the check (issue 2): in-process time per package beside the raw validator.

Prints, for each of the spec's three examples and for a format 1.1 declaration of three
communities (fixtures/declaration/chaohui-234-valid): the raw jsonschema-rs validator alone on the
same document, the whole check (schema and every rule) without and with the attached files,
their ratio, and the reference `jsonschema` validator for scale; then the wall time of
`jiugai check` on the declaration example, start-up included. Run: make bench
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.adapters.reader import open_package  # noqa: E402
from service.domain.package import Package  # noqa: E402
from service.services import checker  # noqa: E402


def per_call(fn, min_time: float = 0.3) -> float:
    """Median seconds per call over batches filling about `min_time`."""
    fn()
    n, start = 1, time.perf_counter()
    while time.perf_counter() - start < 0.05:
        fn()
        n += 1
    batch = max(1, n)
    samples = []
    end = time.perf_counter() + min_time
    while time.perf_counter() < end or len(samples) < 5:
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t0) / batch)
    return statistics.median(samples)


def main() -> None:
    import jsonschema
    from referencing import Registry, Resource

    c = checker()
    docs = {d["$id"]: d for d in c.schema.documents.values()}
    registry = Registry().with_resources([(k, Resource.from_contents(v)) for k, v in docs.items()])
    print(f"{'stage':12} {'raw rs µs':>10} {'check µs':>10} {'ratio':>6} {'+files µs':>10} {'jsonschema µs':>14}")
    cases = [(stage, ROOT / "fixtures" / "examples" / stage) for stage in ("declaration", "acceptance", "handover")]
    cases.append(("1.1 × 3", ROOT / "fixtures" / "declaration" / "chaohui-234-valid"))
    for label, folder in cases:
        raw = (folder / "package.json").read_bytes()
        doc = json.loads(raw, parse_float=Decimal)
        stage, version = doc["stage"], doc["format_version"]
        validator = c.schema.validator(stage, version)
        t_raw = per_call(lambda: list(validator.iter_errors(doc)))
        t_check = per_call(lambda: c.check(Package(doc, raw, None, "bench")))
        with open_package(folder) as package:
            t_files = per_call(lambda: c.check(Package(doc, raw, package.files, "bench")))
        reference = jsonschema.Draft202012Validator(docs[f"https://jiugai.example/schemas/1.0/{c.schema.schema_name(stage, version)}.schema.json"],
                                                    registry=registry, format_checker=jsonschema.FormatChecker())
        t_ref = per_call(lambda: list(reference.iter_errors(json.loads(raw))), 0.2)
        print(f"{label:12} {t_raw * 1e6:10.1f} {t_check * 1e6:10.1f} {t_check / t_raw:6.1f} {t_files * 1e6:10.1f} {t_ref * 1e6:14.1f}")
    script = Path(sys.executable).parent / "jiugai"
    walls = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([str(script), "check", str(ROOT / "fixtures" / "examples" / "declaration")], capture_output=True, check=True)
        walls.append(time.perf_counter() - t0)
    print(f"jiugai check examples/declaration: wall {statistics.median(walls) * 1000:.0f} ms (median of 5, start-up included)")


if __name__ == "__main__":
    main()
