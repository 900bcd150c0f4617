"""Whatever a package holds, the check reports findings and never crashes."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from service.domain.package import Package
from service.report import to_dict, to_text

BASES = {f"{folder}/{s}": json.loads((FIXTURES / folder / s / "package.json").read_text(encoding="utf-8"), parse_float=Decimal)
         for folder in ("examples", "examples-1.1") for s in ("declaration", "acceptance", "handover")}
# A project of three communities: damage one community or one vote among several.
BASES["chaohui-234/declaration"] = json.loads((FIXTURES / "declaration" / "chaohui-234-valid" / "package.json").read_text(encoding="utf-8"),
                                              parse_float=Decimal)

hostile_text = st.text(alphabet=st.sampled_from(list("&<>\"'{}%#\\/ 𠀾\x00\x07\t\n\ud800朝晖0123.-")), max_size=12)
leaves = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), hostile_text,
                   st.decimals(allow_nan=False, allow_infinity=False, places=3),
                   st.sampled_from(["2019-10-08", "2019-02-30", "1200000.00", "passed", "epc", "permanent", "0.00"]))
values = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(hostile_text, inner, max_size=3)), max_leaves=8)


def pointers(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from pointers(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from pointers(v, prefix + (i,))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stage=st.sampled_from(sorted(BASES)), data=st.data())
def test_random_damage_never_crashes_the_check(checker, stage, data):
    doc = copy.deepcopy(BASES[stage])
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(list(pointers(doc))))
        value = data.draw(values)
        if not path:
            doc = value
            break
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1])
        else:
            parent[path[-1]] = value
    raw = json.dumps(doc, default=str, ensure_ascii=True).encode()
    report = checker.check(Package(doc, raw, None, "fuzz"))
    for lang in ("zh", "en"):
        json.dumps(to_dict(report, lang), ensure_ascii=False, default=str)
        to_text(report, lang)
    if not isinstance(doc, dict) or doc != BASES[stage]:
        assert report.findings  # a damaged package says something (at least: its files are missing)
