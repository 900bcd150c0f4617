"""Generated documents on demand, and their verification by number or digest."""
from __future__ import annotations

from flask import jsonify, request, send_file

from service import issuing
from service.web.api.common import translated_errors
from service.web.auth import current_user, requires, runtime
from service.web.errors import ApiError
from service.web.i18n import language


@requires(*issuing.DOWNLOADERS)
def download(package_id: int, document: str, fmt: str):
    """The document of a package as DOCX or PDF; 409 with the blocking findings when it cannot be issued."""
    with translated_errors():
        try:
            issued = issuing.document(runtime(), current_user(), package_id, document, fmt)
        except KeyError:
            raise ApiError(404, "not_found", f"no document {document}.{fmt}") from None
    # From the stored file itself: the server can hand it to the kernel (sendfile) unread.
    response = send_file(issued.path, mimetype=issued.media_type, as_attachment=True,
                         download_name=issued.filename, etag=issued.sha256, max_age=0, conditional=True)
    response.headers["X-Document-Number"] = issued.number
    return response


def verify(key: str):
    """Whether a document with this number or SHA-256 was issued here (no token needed)."""
    found = issuing.verify(runtime(), key)
    if found is None:
        raise ApiError(404, "not_found", "no document with that number or digest was issued by this service")
    return jsonify(found)


def uploaded_pdf(limit: int) -> bytes:
    """The PDF of a multipart upload (field `file`), read no further than `limit` bytes; ApiError else."""
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise ApiError(413, "too_large", f"send a PDF of at most {limit} bytes")
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", f"send the PDF as multipart/form-data (field 'file'), not {request.mimetype or 'nothing'}")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "invalid_request", "the form has no field named 'file'")
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"send a PDF of at most {limit} bytes")
    if not data:
        raise ApiError(400, "invalid_request", "the file is empty")
    return data


def verify_upload():
    """Whether an uploaded PDF's signature is valid and which issued document it is (no token needed)."""
    from service.i18n import render

    rt = runtime()
    data = uploaded_pdf(rt.settings.max_verify_bytes)
    with translated_errors():
        result = issuing.verify_file(rt, data)
    lang = language()
    result["messages"] = [render(m, lang) for m in result["messages"]]
    return jsonify(result)
