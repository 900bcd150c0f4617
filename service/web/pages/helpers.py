"""What the page templates share: amounts (万元 in summaries, yuan in details), list links, times."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import re

from flask import Flask, request, url_for

RULE_IDS = re.compile(r"[A-Z][A-Z0-9-]*(, [A-Z][A-Z0-9-]*)*")  # a batch failure blocked by rules names their ids


def wan(value) -> str:
    """An amount in yuan as 万元 with two decimals ('1,234.57'), for summaries; '' when not an amount."""
    try:
        amount = Decimal(str(value)) / 10000
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.2f}"


def yuan(value) -> str:
    """An amount in yuan with two decimals and thousands separators, for details."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""


def beijing(value) -> str:
    """A stored time in Beijing time (until the deployment's clock filter replaces this one)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return f"{value.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M} (UTC+08:00)"


def list_url(**changes) -> str:
    """This page's URL with some query parameters changed (None removes one); a new filter or sort starts at page 1."""
    args = request.args.to_dict()
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    """Add the filters and globals to the app's templates."""
    app.jinja_env.filters.update(wan=wan, yuan=yuan)
    app.jinja_env.tests["match_rules"] = lambda text: isinstance(text, str) and bool(RULE_IDS.fullmatch(text))
    app.jinja_env.filters.setdefault("when", beijing)
    app.jinja_env.globals.update(list_url=list_url)
    from service.web.pages.account import enforce_change

    app.before_request(enforce_change)
