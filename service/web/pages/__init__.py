"""Server-rendered pages; the route table for them is PAGES (added to the app by routes.register)."""
from __future__ import annotations

from service.web.pages import verify

PAGES = verify.ROUTES
