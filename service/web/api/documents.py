"""Generated documents on demand, and their verification by number or digest."""
from __future__ import annotations

from flask import jsonify, send_file

from service import issuing
from service.web.api.common import translated_errors
from service.web.auth import current_user, requires, runtime
from service.web.errors import ApiError


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
