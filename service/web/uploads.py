"""Reading a package out of a request body: zip, multipart or JSON, into a private temp folder."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from flask import request

from service.web.auth import runtime
from service.web.errors import ApiError

ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


@contextlib.contextmanager
def received(allow_json: bool = False) -> Iterator[Path]:
    """The uploaded package as a file on disk (removed afterwards); 413 over the limit, 415 wrong type."""
    rt = runtime()
    limit = rt.settings.max_upload_bytes
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=rt.scratch()))
    try:
        mimetype = request.mimetype
        if mimetype in ZIP_TYPES:
            target = folder / "package.zip"
            _copy_stream(target, limit)
        elif mimetype == "multipart/form-data":
            upload = request.files.get("package")
            if upload is None:
                raise ApiError(400, "not_a_package", "the form has no field named 'package'")
            target = folder / "package.zip"
            upload.save(target)
        elif allow_json and mimetype == "application/json":
            target = folder / "package.json"
            _copy_stream(target, limit)
        else:
            accepted = "application/zip or multipart/form-data" + (" or application/json" if allow_json else "")
            raise ApiError(415, "unsupported_media_type", f"send the package as {accepted}, not {mimetype or 'nothing'}")
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_stream(target: Path, limit: int) -> None:
    written = 0
    with open(target, "wb") as out:
        while chunk := request.stream.read(1 << 16):
            written += len(chunk)
            if written > limit:
                raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
            out.write(chunk)
    if written == 0:
        raise ApiError(400, "not_a_package", "the body is empty")
