"""The one route table of the service: every URL, its methods and its view."""
from __future__ import annotations

from flask import Flask

from service.web.api import check, documents, jobs, ledger, openapi, packages, projects
from service.web.route import Route

API = "/api/v1"
ROUTES = (
    Route(f"{API}/openapi.json", ("GET",), openapi.document, "api.openapi"),
    Route(f"{API}/check", ("POST",), check.check, "api.check"),
    Route(f"{API}/packages", ("POST",), packages.submit, "api.submit"),
    Route(f"{API}/packages", ("GET",), packages.index, "api.packages"),
    Route(f"{API}/packages/<int(max=2147483647):package_id>", ("GET",), packages.show, "api.package"),
    Route(f"{API}/packages/<int(max=2147483647):package_id>/files/<attachment_id>", ("GET",), packages.attached_file, "api.file"),
    Route(f"{API}/packages/<int(max=2147483647):package_id>/documents/<document>.<any(docx, pdf):fmt>", ("GET",), documents.download, "api.document"),
    Route(f"{API}/packages/<int(max=2147483647):package_id>/approval", ("POST",), packages.approval, "api.approval"),
    Route(f"{API}/projects/<code>/bundle.zip", ("GET",), projects.bundle, "api.bundle"),
    Route(f"{API}/projects/<code>/receipt", ("POST",), projects.receipt, "api.receipt"),
    Route(f"{API}/verify", ("POST",), documents.verify_upload, "api.verify_upload"),
    Route(f"{API}/verify/<key>", ("GET",), documents.verify, "api.verify"),
    Route(f"{API}/jobs", ("POST",), jobs.create, "api.jobs"),
    Route(f"{API}/jobs/<int(max=2147483647):job_id>", ("GET",), jobs.show, "api.job"),
    Route(f"{API}/jobs/<int(max=2147483647):job_id>/result.zip", ("GET",), jobs.result, "api.job_result"),
    Route(f"{API}/ledger.xlsx", ("GET",), ledger.download, "api.ledger"),
    Route(f"{API}/health", ("GET",), openapi.health, "api.health"),
)


def register(app: Flask) -> None:
    """Add every route of the table (and the pages') to the app."""
    from service.web.pages import PAGES

    from service.web.pages import helpers

    for route in ROUTES + PAGES:
        app.add_url_rule(route.rule, route.endpoint, route.view, methods=list(route.methods))
    helpers.register(app)
