"""JSON Pointers (RFC 6901): build them from parts and resolve them in a parsed document."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

MISSING = object()


def join(*parts: str | int) -> str:
    """Build a pointer from unescaped parts: join('consent', 'renovation') == '/consent/renovation'."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@lru_cache(maxsize=4096)
def _steps(pointer: str) -> tuple[str, ...]:
    return tuple(raw.replace("~1", "/").replace("~0", "~") for raw in pointer[1:].split("/"))


def resolve(doc: Any, pointer: str) -> Any:
    """The value at `pointer`, or MISSING when any step does not exist."""
    if pointer == "":
        return doc
    node = doc
    for key in _steps(pointer):
        if type(node) is dict:
            node = node.get(key, MISSING)
            if node is MISSING:
                return MISSING
        elif type(node) is list:
            if not key.isdigit() or int(key) >= len(node):
                return MISSING
            node = node[int(key)]
        else:
            return MISSING
    return node
