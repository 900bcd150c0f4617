"""Each role's to-do list: declarations awaiting 计划确定 (clerk), handovers awaiting receipt
(archivist), the district's decisions and the rejections to correct (street)."""
from __future__ import annotations

from flask import render_template

from service.usecases import decisions
from service.web.auth import runtime
from service.web.pages.packages import _require_user
from service.web.route import Route


def todo():
    """What waits for this user."""
    user = _require_user("clerk", "archivist", "street")
    context = {"awaiting_decision": [], "awaiting_receipt": [], "decided": [], "rejected": []}
    if user.role == "clerk":
        context["awaiting_decision"] = decisions.awaiting_decision(runtime(), user)
    elif user.role == "archivist":
        context["awaiting_receipt"] = decisions.awaiting_receipt(runtime())
    else:
        context["decided"], context["rejected"] = decisions.street_news(runtime(), user)
    return render_template("todo.html", **context)


ROUTES = (Route("/todo", ("GET",), todo, "page.todo"),)
