"""The overview page as an XLSX workbook: per stage (reached and now at), by plan year, by street,
the consent bands — the same figures, counted once, in the page's language. Budgets in yuan."""
from __future__ import annotations

import io
from typing import Callable

from openpyxl import Workbook
from openpyxl.styles import Font

from service.domain.findings import N_
from service.programme import dashboard

MEASURE_NAMES = (N_("Communities"), N_("Buildings"), N_("Homes"), N_("Area (m²)"), N_("Budget (yuan)"))


def _measures(v: dict) -> list:
    return [v["communities"], v["buildings"], v["households"], v["area_m2"], v["budget_yuan"]]


def _sheet(book, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Street and community names are user data: never let a cell become a formula.
        sheet.append([f"'{x}" if isinstance(x, str) and x[:1] in "=+-@" else x for x in row])
    for i, _ in enumerate(header):
        sheet.column_dimensions[chr(65 + i)].width = 18


def workbook(data: dict, plan_year: int | None, say: Callable[..., str]) -> bytes:
    """The workbook's bytes."""
    goal, _year = dashboard.target_for(plan_year)
    book = Workbook()
    book.remove(book.active)
    names = [say(n) for n in MEASURE_NAMES]
    rows = [[say(dashboard.STAGE_LABELS[s["key"]]), *_measures(s["reached"]),
             float(dashboard.share(s["reached"]["communities"], goal["communities"])), s["at"]["communities"]] for s in data["stages"]]
    rows.append([say(N_("Not listed (refused at plan confirmation)")), *_measures(data["excluded"]), None, data["excluded"]["communities"]])
    rows.append([say(N_("Target")), *_measures(goal), None, None])
    _sheet(book, say(N_("By stage")), [say(N_("Stage")), *names, say(N_("Share of the target (communities)")),
                                   say(N_("Now at this stage (communities)"))], rows)
    stage_heads = [say(dashboard.STAGE_LABELS[k]) for k in dashboard.STAGE_LABELS]
    _sheet(book, say(N_("By plan year")), [say(N_("Plan year")), *stage_heads, say(N_("Buildings")), say(N_("Homes"))],
           [[y, *[s["reached"]["communities"] for s in st], st[0]["reached"]["buildings"], st[0]["reached"]["households"]]
            for y, st in data["by_year"]])
    _sheet(book, say(N_("By street")), [say(N_("Street")), *stage_heads, say(N_("Buildings")), say(N_("Homes")), say(N_("Budget (yuan)"))],
           [[street, *[s["reached"]["communities"] for s in st], st[0]["reached"]["buildings"], st[0]["reached"]["households"],
             st[0]["reached"]["budget_yuan"]] for street, st in data["by_street"]])
    _sheet(book, say(N_("Owner consent")), [say(N_("Consent band")), say(N_("Votes"))], [list(x) for x in dashboard.consent_counts(data)])
    for sheet in book.worksheets[:1]:
        for cell in sheet["G"][1:]:
            cell.number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
