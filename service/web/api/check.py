"""POST /api/v1/check: the report of a package, storing nothing."""
from __future__ import annotations

from flask import jsonify, request

from service.adapters.reader import Limits, open_package, parse_json
from service.domain.package import Package
from service.web.errors import ApiError
from service.report import to_dict
from service.web.api.common import translated_errors
from service.web.auth import requires, runtime
from service.web.i18n import language
from service.web.uploads import received


@requires()
def check():
    """Check a package sent as JSON or as a zip."""
    if request.mimetype == "application/json":
        return jsonify(to_dict(runtime().checker.check(_json_package()), language()))
    with translated_errors(), received() as path, open_package(path, scratch=runtime().scratch()) as package:
        report = runtime().checker.check(package)
    return jsonify(to_dict(report, language()))


def _json_package() -> Package:
    """A bare package.json from the body, read in memory (a dry run: no files)."""
    limit = Limits.from_env().max_json_bytes
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", f"package.json is larger than {limit} bytes")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise ApiError(413, "too_large", f"package.json is larger than {limit} bytes")
    with translated_errors():
        return Package(parse_json(raw), raw, None, "request")
