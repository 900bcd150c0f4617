"""POST /api/v1/check: the report of a package, storing nothing."""
from __future__ import annotations

from flask import jsonify

from service.adapters.reader import open_package
from service.report import to_dict
from service.web.api.common import translated_errors
from service.web.auth import requires, runtime
from service.web.i18n import language
from service.web.uploads import received


@requires()
def check():
    """Check a package sent as JSON or as a zip."""
    with translated_errors(), received(allow_json=True) as path, open_package(path) as package:
        report = runtime().checker.check(package)
    return jsonify(to_dict(report, language()))
