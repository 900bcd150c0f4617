"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1."""
from __future__ import annotations

from flask import jsonify

from service import __version__

_ERROR = {"$ref": "#/components/responses/Error"}


def _op(summary: str, responses: dict, *, params=(), body=None, security=True, tags=("packages",)) -> dict:
    op = {"summary": summary, "tags": list(tags), "parameters": list(params), "responses": responses}
    if body:
        op["requestBody"] = body
    if not security:
        op["security"] = []
    return op


def _path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


ZIP_BODY = {"required": True, "content": {
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"package": {"type": "string", "format": "binary"}},
                                       "required": ["package"]}}}}
JSON_OK = {"content": {"application/json": {"schema": {"type": "object"}}}}
PACKAGE_ID = _path_param("package_id", {"type": "integer", "minimum": 1})
CODE = _path_param("code", {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{4}-[0-9]{3}$"})
JOB_ID = _path_param("job_id", {"type": "integer", "minimum": 1})
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["zh", "en"]}}


def spec() -> dict:
    """The OpenAPI document."""
    errors = {str(s): _ERROR for s in (400, 401, 403, 404)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "jiugai (旧改) API", "version": __version__,
                 "description": "Renovation packages of the Xiacheng old-community programme: checks, documents, archive handover."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/check": {"post": _op("Check a package; stores nothing", {"200": JSON_OK, "413": _ERROR, "415": _ERROR, **errors},
                                          params=[LANG], body={"required": True, "content": {**ZIP_BODY["content"],
                                                               "application/json": {"schema": {"type": "object"}}}})},
            "/api/v1/packages": {
                "post": _op("Submit a package (street users); stored whatever the verdict",
                            {"201": JSON_OK, "413": _ERROR, "415": _ERROR, **errors}, params=[LANG], body=ZIP_BODY),
                "get": _op("Packages the caller may see, newest first", {"200": JSON_OK, **errors}, params=[
                    {"name": k, "in": "query", "required": False, "schema": {"type": "string"}} for k in ("street", "stage", "status", "project")
                ] + [{"name": "plan_year", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1800, "maximum": 2200}},
                     {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                     {"name": "per_page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200}}]),
            },
            "/api/v1/packages/{package_id}": {"get": _op("One package: metadata, report, files", {"200": JSON_OK, **errors}, params=[PACKAGE_ID, LANG])},
            "/api/v1/packages/{package_id}/files/{attachment_id}": {"get": _op(
                "An attached file as uploaded", {"200": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}, **errors},
                params=[PACKAGE_ID, _path_param("attachment_id", {"type": "string"})])},
            "/api/v1/packages/{package_id}/documents/{document}.{format}": {"get": _op(
                "A generated document (DOCX or PDF)", {"200": {"content": {"application/pdf": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}},
                                                        "409": _ERROR, **errors},
                params=[PACKAGE_ID, _path_param("document", {"enum": ["notice", "acceptance-certificate", "handover-record", "subsidy-statement"]}),
                        _path_param("format", {"enum": ["docx", "pdf"]})], tags=("documents",))},
            "/api/v1/packages/{package_id}/approval": {"post": _op(
                "Record the district's decision on an accepted declaration (clerks)", {"201": JSON_OK, "409": _ERROR, **errors},
                params=[PACKAGE_ID], body={"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["approved"], "properties": {
                        "approved": {"type": "boolean"}, "approved_budget_yuan": {"type": "string", "pattern": "^(0|[1-9][0-9]*)\\.[0-9]{2}$"},
                        "remark": {"type": "string", "maxLength": 2000}},
                    # An approval names its budget (ACCOUNTS-WITHIN-APPROVAL reads it); a refusal may leave it out.
                    "if": {"properties": {"approved": {"const": True}}}, "then": {"required": ["approved_budget_yuan"]}}}}})},
            "/api/v1/projects/{code}/bundle.zip": {"get": _op(
                "The archive handover bundle (BagIt)", {"200": {"content": {"application/zip": {}}}, "409": _ERROR, **errors},
                params=[CODE], tags=("archive",))},
            "/api/v1/projects/{code}/receipt": {"post": _op(
                "Record that the archive received the handover (idempotent)", {"200": JSON_OK, "201": JSON_OK, "409": _ERROR, **errors},
                params=[CODE], body={"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["receiver", "date"], "properties": {
                        "receiver": {"type": "string", "minLength": 1, "maxLength": 200}, "date": {"type": "string", "format": "date"},
                        "reason": {"type": "string", "minLength": 1, "maxLength": 2000,
                                   "description": "why this receipt corrects the one recorded before"}}}}}},
                tags=("archive",))},
            "/api/v1/jobs": {"post": _op(
                "Ask for every document of a plan year, street or stage as one zip (clerks); the same request gives the same job",
                {"200": JSON_OK, "202": JSON_OK, **errors},
                body={"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "plan_year": {"type": "integer", "minimum": 1800, "maximum": 2200}, "street": {"type": "string", "maxLength": 80},
                    "stage": {"enum": ["declaration", "acceptance", "handover"]}}}}}}, tags=("jobs",))},
            "/api/v1/jobs/{job_id}": {"get": _op("A batch's progress and failures", {"200": JSON_OK, **errors},
                                                 params=[JOB_ID], tags=("jobs",))},
            "/api/v1/jobs/{job_id}/result.zip": {"get": _op(
                "A finished batch's zip", {"200": {"content": {"application/zip": {}}}, "409": _ERROR, **errors},
                params=[JOB_ID], tags=("jobs",))},
            "/api/v1/ledger.xlsx": {"get": _op(
                "The district ledger of every project (clerks, archivists, administrators)",
                {"200": {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}, **errors},
                tags=("programme",))},
            "/api/v1/verify/{key}": {"get": _op("Whether a document number or file SHA-256 was issued here",
                                                {"200": JSON_OK, "404": _ERROR}, params=[_path_param("key", {"type": "string"})],
                                                security=False, tags=("documents",))},
            "/api/v1/verify": {"post": _op(
                "Verify an uploaded PDF: whether its signature is valid and which issued document it is",
                {"200": JSON_OK, "400": _ERROR, "413": _ERROR, "415": _ERROR, "503": _ERROR}, params=[LANG],
                body={"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}},
                security=False, tags=("documents",))},
            "/api/v1/openapi.json": {"get": _op("This document", {"200": JSON_OK}, security=False, tags=("service",))},
            "/api/v1/health": {"get": _op("The service is up", {"200": JSON_OK}, security=False, tags=("service",))},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {
                "type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}}}},
        },
    }


def document():
    """Serve the OpenAPI document."""
    return jsonify(spec())


def health():
    """A trivial endpoint: the service answers."""
    return jsonify({"status": "ok"})
