"""Times as people read them: in the deployment's zone (Asia/Shanghai unless JIUGAI_TIMEZONE says
otherwise), with the offset written out. Stored times stay UTC; the API writes ISO 8601 with offset."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def local(value: datetime | str, zone: str) -> datetime:
    """A stored time (a datetime, naive meaning UTC, or an ISO 8601 string) in `zone`."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(zone))


def shown(value: datetime | str | None, zone: str) -> str:
    """'2026-12-02 23:47 (UTC+08:00)': minutes, in `zone`, its offset named."""
    if value is None or value == "":
        return ""
    moment = local(value, zone)
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"
