"""The public notice — 5 working days on the official calendar, and before the declaration."""
from __future__ import annotations

from datetime import date

from service.domain import values as v
from service.domain.findings import ERROR, N_
from service.domain.rules.base import Context, Rule


def _period(ctx: Context) -> tuple[date, date] | None:
    start, end = v.day(ctx.doc, "/public_notice/start"), v.day(ctx.doc, "/public_notice/end")
    return (start, end) if start and end else None


def calendar_coverage(ctx: Context):
    period = _period(ctx)
    if not period:
        return
    start, end = period
    for year in ctx.calendar.unknown_years(start, end):
        pointer = "/public_notice/start" if year == start.year else "/public_notice/end"
        yield pointer, N_("the official holiday arrangement for {year} is not in the calendar, so working days cannot be counted: add the year to the calendar data file"), {"year": year}


def working_days(ctx: Context):
    period = _period(ctx)
    if not period:
        return
    start, end = period
    if ctx.calendar.unknown_years(start, end):
        return  # CALENDAR-COVERAGE says why; never guess a year
    needed = ctx.ruleset.data["notice_working_days"]
    count = ctx.calendar.working_days(start, end)
    ctx.computed["notice_working_days"] = count
    if count < needed:
        earliest = ctx.calendar.nth_working_day(start, needed)
        params = {"start": start.isoformat(), "end": end.isoformat(), "count": count, "needed": needed}
        if earliest:
            yield "/public_notice/end", N_("the notice from {start} to {end} covers {count} working days, fewer than {needed}: it must run until at least {earliest}"), {**params, "earliest": earliest.isoformat()}
        else:
            yield "/public_notice/end", N_("the notice from {start} to {end} covers {count} working days, fewer than {needed}"), params


def order(ctx: Context):
    period = _period(ctx)
    submitted = v.day(ctx.doc, "/submitted_on")
    if period and period[0] > period[1]:
        yield "/public_notice/end", N_("the notice ends on {end}, before it starts on {start}"), {"start": period[0].isoformat(), "end": period[1].isoformat()}
    if period and submitted and not period[1] < submitted:
        yield "/submitted_on", N_("submitted on {submitted}, but the notice runs until {end}: submit after the notice has ended"), {"submitted": submitted.isoformat(), "end": period[1].isoformat()}


def deadline(ctx: Context):
    submitted = v.day(ctx.doc, "/submitted_on")
    plan_year = v.integer(ctx.doc, "/project/plan_year")
    if submitted is None or plan_year is None or not 1 < plan_year <= 9999:
        return
    rule = ctx.ruleset.data["declaration_deadline"]
    if plan_year in rule.get("exempt_plan_years", ()):
        return  # the pilots of 2019 started before any plan set a deadline (programme.md)
    last_day = date(plan_year - 1, rule["month"], rule["day"])
    if submitted > last_day:
        late = (submitted.month, submitted.day) > (rule["month"], rule["day"])
        next_year = submitted.year + (2 if late else 1)
        yield "/submitted_on", N_("submitted on {submitted}, after the deadline {deadline} for plan year {plan}: declare it for plan year {next} instead"), {"submitted": submitted.isoformat(), "deadline": last_day.isoformat(), "plan": plan_year, "next": next_year}


RULES = (
    Rule("DECL-DEADLINE", ERROR, "declaration", deadline),
    Rule("NOTICE-WORKING-DAYS", ERROR, "declaration", working_days),
    Rule("NOTICE-ORDER", ERROR, "declaration", order),
    Rule("CALENDAR-COVERAGE", ERROR, "declaration", calendar_coverage),
)
