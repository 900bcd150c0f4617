"""Helpers the API views share: how a package looks in JSON, and core errors as HTTP errors."""
from __future__ import annotations

from service.accounts import iso

import contextlib
from typing import Iterator

from service.adapters.reader import PackageError, PackageTooLarge
from service.db import models as m
from service.documents import Blocked
from service.domain.findings import Msg, N_
from service.handover import Conflict, ReceiptConflict, ReceiptRefused
from service.signing.keys import SigningKeyError
from service.i18n import render
from service.render.fonts import MissingGlyph
from service.report import from_record, to_dict
from service.submissions import Forbidden, NotFound
from service.web.errors import ApiError
from service.web.i18n import language


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn the core's refusals into HTTP answers."""
    lang = language()
    try:
        yield
    except PackageTooLarge as exc:
        raise ApiError(413, "too_large", render(exc.message, lang)) from None
    except PackageError as exc:
        raise ApiError(400, "not_a_package", render(exc.message, lang)) from None
    except Forbidden as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except NotFound:
        raise ApiError(404, "not_found", "no such package or project") from None
    except Blocked as exc:
        raise ApiError(409, "blocked", "a rule that blocks this document has failed for this package",
                       findings=[{"rule": f.rule, "path": f.path, "clause": f.clause, "message": render(f.message, lang)}
                                 for f in exc.findings]) from None
    except ReceiptConflict as exc:
        raise ApiError(409, "conflict", render(exc.message, lang)) from None
    except ReceiptRefused as exc:
        raise ApiError(400, "invalid_request", render(exc.message, lang)) from None
    except Conflict as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    except SigningKeyError as exc:  # the message names the key's file, never its content
        raise ApiError(503, "signing_unavailable", f"documents cannot be signed now: {exc}") from None
    except MissingGlyph as exc:  # before ValueError, its base: the package is fine, the fonts are short
        raise ApiError(409, "unrenderable", render(Msg(N_("no font can draw the character {char} (U+{code}): add a font that has it to JIUGAI_PDF_FALLBACK_FONTS"),
                                                       {"char": exc.char, "code": f"{ord(exc.char):04X}"}), lang)) from None
    except ValueError as exc:
        raise ApiError(400, "invalid_request", str(exc)) from None


def package_summary(row: m.PackageRow) -> dict:
    """A package in a listing."""
    return {"id": row.id, "project": row.project_code, "stage": row.stage, "street": row.street,
            "community": row.community, "plan_year": row.plan_year, "status": row.status,
            "submitted_on": row.submitted_on, "received_at": iso(row.received_at), "package_sha256": row.package_sha256}


def report_json(row: m.PackageRow) -> dict:
    """The stored report, in the request's language."""
    return to_dict(from_record(row.report), language())
