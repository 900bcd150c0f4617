"""The fast validator (jsonschema-rs) reports what the reference implementation reports."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

import jsonschema
import pytest
from referencing import Registry, Resource

from conftest import FIXTURES, fixture_cases
from service.domain.pointer import join
from service.resources import schemas


@pytest.fixture(scope="module")
def reference():
    # Both sides exact: with floats the reference finds 32768.16 not a multiple of 0.01.
    docs = [json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal) for p in schemas().glob("*.schema.json")]
    registry = Registry().with_resources([(d["$id"], Resource.from_contents(d)) for d in docs])
    by_name = {d["$id"].rsplit("/", 1)[1].removesuffix(".schema.json"): d for d in docs}
    return {name: jsonschema.Draft202012Validator(doc, registry=registry, format_checker=jsonschema.FormatChecker())
            for name, doc in by_name.items()}


def reference_paths(validator, doc):
    paths = set()
    for error in validator.iter_errors(doc):
        base = join(*error.absolute_path)
        if error.validator == "required":
            paths |= {base + join(p) for p in error.validator_value if p not in error.instance}
        elif error.validator == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            paths |= {base + join(k) for k in error.instance if k not in allowed}
        else:
            paths.add(base)
    return paths


def documents():
    """Every fixture's package.json, plus some deliberately broken ones."""
    for name, folder, _ in fixture_cases():
        yield name, json.loads((folder / "package.json").read_text(encoding="utf-8"), parse_float=Decimal)
    base = json.loads((FIXTURES / "examples" / "declaration" / "package.json").read_text(encoding="utf-8"), parse_float=Decimal)
    broken = copy.deepcopy(base)
    broken["project"].update(code="xc-2020-7", built_year="1984", buildings=-1, floor_area_m2=Decimal("12.345"))
    broken["plan"]["items"][0].update(aspect="roofs", budget_yuan=3200000, extra=True)
    broken["attachments"][0].update(file="../etc/passwd", sha256="ABC")
    broken["submitter"]["contact"] = "王\x07建国"
    broken["public_notice"]["start"] = "2019-13-01"
    del broken["survey"]
    yield "broken", broken
    yield "unknown-stage", {**copy.deepcopy(base), "stage": "planning"}
    yield "unknown-version", {**copy.deepcopy(base), "format_version": "2.0", "project": {"code": 7}}
    yield "no-version", {k: val for k, val in copy.deepcopy(base).items() if k != "format_version"}
    multi = json.loads((FIXTURES / "examples-1.1" / "declaration" / "package.json").read_text(encoding="utf-8"), parse_float=Decimal)
    broken = copy.deepcopy(multi)
    broken["project"]["communities"][0].update(built_year="1984", community="朝晖一区", floor_area_m2=0)
    del broken["project"]["communities"][0]["name"]
    broken["project"].update(address="x")
    broken["consent"]["votes"][0].update(voted_on="2019-02-30", participation={"owners": -1}, total_owners=0)
    del broken["consent"]["votes"][0]["renovation"]["area_m2"]
    yield "broken-1.1", broken
    yield "unknown-stage-1.1", {**copy.deepcopy(multi), "stage": "planning", "project": {"communities": []}}
    yield "empty-1.1", {**copy.deepcopy(multi), "project": {**multi["project"], "communities": []}, "consent": {"votes": [], "evidence": "x"}}


@pytest.mark.parametrize("name,doc", list(documents()), ids=[n for n, _ in documents()])
def test_same_paths_as_the_reference_validator(checker, reference, name, doc):
    stage = checker.schema.schema_name(doc.get("stage"), doc.get("format_version"))
    fast = {f.path for f in checker.schema.findings(doc, doc.get("stage"))}
    assert fast == reference_paths(reference[stage], doc)
    if name == "broken":
        assert len(fast) >= 12
    if name == "broken-1.1":
        assert len(fast) >= 9
    if name == "unknown-version":
        assert "/format_version" in fast
