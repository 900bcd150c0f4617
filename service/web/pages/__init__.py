"""Server-rendered pages; PAGES is their part of the route table (added by routes.register)."""
from __future__ import annotations

from service.web.pages import account, archive, batches, common, overview, packages, street, todo, verify

PAGES = common.ROUTES + street.ROUTES + packages.ROUTES + overview.ROUTES + batches.ROUTES + archive.ROUTES + verify.ROUTES + todo.ROUTES + account.ROUTES
