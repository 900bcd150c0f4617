"""Rule SCHEMA: the package against its stage's JSON Schema, one finding per violation.

Format 1.0 and 1.1 each have a schema per stage (`declaration.schema.json`, `declaration-1.1.schema.json`,
…); a package of another format version gets only the envelope (`envelope-any`), which says which
versions exist. What JSON Schema cannot say (names unique within a project) is checked here too.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import jsonschema_rs

from service.domain.findings import ERROR, Finding, Msg, N_
from service.domain.names import visible
from service.domain.pointer import join
from service.domain.project import communities, is_multi, normal_name

STAGES = ("declaration", "acceptance", "handover")
VERSIONS = ("1.0", "1.1")

_TYPE_NAMES = {
    "string": N_("text"), "integer": N_("a whole number"), "number": N_("a number"),
    "object": N_("an object"), "array": N_("a list"), "boolean": N_("true or false"), "null": N_("null"),
}
# Patterns of common.schema.json, said in words rather than as a regular expression.
_PATTERN_WORDS = {
    "money": N_("“{value}” is not an amount in yuan with exactly two decimals, such as 1200000.00"),
    "text": N_("the text holds a control character, which documents cannot carry: remove it"),
    "attachment_id": N_("“{value}” is not an attachment id (lowercase letters, digits and '-', at most 64)"),
    "relative_path": N_("“{value}” is not a file name every system can keep: a path inside the package with no leading '/', "
                        "no '..', none of \\ : < > \" | ? *, no control or text-direction character, no name such as CON or NUL "
                        "and no dot or space at the end of a name"),
    "sha256": N_("“{value}” is not a SHA-256 digest (64 lowercase hexadecimal digits)"),
}
_PROJECT_CODE = N_("“{value}” is not a project code such as XC-2020-007")
_CODE = N_("“{value}” is not a code (lowercase letters, digits and '-')")
_WELL_FORMED_MONEY = re.compile(r"(0|[1-9][0-9]*)\.[0-9]{2}")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


class SchemaChecker:
    """The compiled JSON Schemas of the package format, one validator per stage."""

    def __init__(self, schemas_dir: Path):
        docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schemas_dir.glob("*.schema.json")}
        registry = jsonschema_rs.Registry([(d["$id"], d) for d in docs.values()])
        common = docs["common.schema.json"]["$defs"]
        self._pattern_names = {common[k]["pattern"]: k for k in _PATTERN_WORDS}
        self._pattern_names[common["project"]["properties"]["code"]["pattern"]] = "project_code"
        self.documents = docs
        self.validators = {
            name.removesuffix(".schema.json"): jsonschema_rs.validator_for(doc, validate_formats=True, registry=registry)
            for name, doc in docs.items()
            if name != "common.schema.json"
        }

    @staticmethod
    def schema_name(stage: str | None, version: Any = "1.0") -> str:
        """Which schema checks a package: its stage's in its version, else an envelope.

        A package without a format_version is read as 1.0 (the required field is then reported
        against the 1.0 schema of its stage); any other unknown version gets `envelope-any`.
        """
        if version is None:
            version = "1.0"
        if version not in VERSIONS:
            return "envelope-any"
        name = stage if stage in STAGES else "envelope"
        return name if version == "1.0" else f"{name}-{version}"

    def validator(self, stage: str | None, version: Any = "1.0"):
        """The validator for `stage` in format `version`; an unknown stage gets the envelope alone."""
        return self.validators[self.schema_name(stage, version)]

    def findings(self, doc: Any, stage: str | None) -> list[Finding]:
        """Every schema violation as a SCHEMA finding, sorted by path."""
        version = doc.get("format_version") if isinstance(doc, dict) else None
        found = [f for error in self.validator(stage, version).iter_errors(doc) for f in self._to_findings(error)]
        return sorted(found, key=lambda f: f.path)

    def _to_findings(self, error) -> Iterator[Finding]:
        base = join(*error.instance_path)
        kind = error.kind.name
        detail = error.kind.as_dict()
        if kind == "required":
            yield _finding(base + join(detail["property"]), N_("the required field “{field}” is missing"), field=detail["property"])
        elif kind == "additionalProperties":
            for name in detail["unexpected"]:
                yield _finding(base + join(name), N_("“{field}” is not a field of this format: check its spelling"), field=name)
        else:
            yield _finding(base, *self._words(kind, detail, error.instance))

    def _words(self, kind: str, detail: dict, value: Any) -> tuple:
        if kind == "type":
            return N_("should be {expected}"), {"expected": Msg(_TYPE_NAMES.get(detail["types"][0], detail["types"][0]))}
        if kind == "format":
            return N_("“{value}” is not a real date written as YYYY-MM-DD"), {"value": _short(value)}
        if kind == "pattern":
            name = self._pattern_names.get(detail["pattern"])
            if name == "money" and isinstance(value, str) and _WELL_FORMED_MONEY.fullmatch(value):
                return N_("“{value}” yuan is more than the most a package may state, 1000000000000.00"), {"value": _short(value)}
            msgid = _PATTERN_WORDS.get(name) or (_PROJECT_CODE if name == "project_code" else _CODE)
            return msgid, {"value": visible(_short(value))}
        if kind == "enum":
            return N_("“{value}” is not one of: {options}"), {"value": _short(value), "options": ", ".join(map(str, detail["options"]))}
        if kind == "const":
            return N_("should be “{expected}”, not “{value}”"), {"expected": detail["expected_value"], "value": _short(value)}
        if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "minItems", "maxItems",
                    "minLength", "maxLength", "multipleOf"):
            return _LIMITS[kind], {"limit": detail.get("limit", detail.get("multiple_of")), "value": _short(value)}
        if kind in ("oneOf", "oneOfNotValid"):
            return N_("should be a year or null"), {}
        return N_("does not match the package format ({kind})"), {"kind": kind}


_LIMITS = {
    "minimum": N_("{value} is less than the minimum {limit}"),
    "exclusiveMinimum": N_("{value} should be greater than {limit}"),
    "maximum": N_("{value} is more than the maximum {limit}"),
    "exclusiveMaximum": N_("{value} should be less than {limit}"),
    "minItems": N_("the list needs at least {limit} entries"),
    "maxItems": N_("the list may hold at most {limit} entries"),
    "minLength": N_("the text may not be empty"),
    "maxLength": N_("the text is longer than {limit} characters"),
    "multipleOf": N_("{value} has more than two decimals"),
}


def _finding(path: str, msgid: str, params: dict | None = None, **kw: Any) -> Finding:
    return Finding("SCHEMA", ERROR, path, Msg(msgid, {**(params or {}), **kw}), "—")


def duplicate_names(doc: Any) -> list[Finding]:
    """SCHEMA findings for a 1.1 community whose name an earlier community of the project already has.

    JSON Schema's uniqueItems compares whole objects, not one field, so this is said here. Names
    are compared as COMMUNITY-ONCE compares them across projects (NFC, white space removed).
    """
    if not is_multi(doc):
        return []
    seen: dict[str, int] = {}
    found = []
    for community in communities(doc):
        name = community.name
        if name is None:
            continue
        first = seen.setdefault(normal_name(name), community.index)
        if first != community.index:
            found.append(_finding(community.pointer("name"), N_("the community “{name}” is listed twice in the project, here and at {first}: list each community once"),
                                  name=_short(name), first=join("project", "communities", first)))
    return found


def lone_surrogates(doc: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Pointers of strings holding lone surrogates (possible only through \\uD800-style escapes)."""
    if isinstance(doc, str):
        try:
            doc.encode("utf-8")
        except UnicodeEncodeError:
            yield path, doc
    elif isinstance(doc, dict):
        for key, value in doc.items():
            safe = key.encode("utf-8", "replace").decode("utf-8")
            if safe != key:
                yield path + join(safe), key
            yield from lone_surrogates(value, path + join(safe))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from lone_surrogates(value, path + join(i))


def scrub(doc: Any) -> Any:
    """A copy of doc with every lone surrogate replaced by U+FFFD, so validation can go on."""
    if isinstance(doc, str):
        return doc.encode("utf-8", "replace").decode("utf-8")
    if isinstance(doc, dict):
        return {scrub(k): scrub(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [scrub(v) for v in doc]
    return doc


def surrogate_findings(doc: Any) -> list[Finding]:
    """SCHEMA findings for text holding lone surrogates, which no document can carry."""
    return [_finding(p, N_("the text holds an unpaired surrogate (a broken \\u escape): correct it")) for p, _ in lone_surrogates(doc)]
