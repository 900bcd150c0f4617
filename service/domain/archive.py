"""Archival codes (档号) in the DA/T 22 form 全宗号-年度-保管期限代码-件号."""
from __future__ import annotations

RETENTION_CODES = {"permanent": "Y", "long": "C", "short": "D"}  # 永久、长期、短期


def archival_codes(documents: list[dict], fonds: str) -> list[str]:
    """One 档号 per document, in order; 件号 counts within each year and retention period."""
    counters: dict[tuple[str, str], int] = {}
    codes = []
    for d in documents:
        date = d.get("date") if isinstance(d.get("date"), str) else ""
        year = date[:4] if date[:4].isdigit() else "0000"
        retention = RETENTION_CODES.get(d.get("retention") if isinstance(d.get("retention"), str) else "", "X")
        counters[(year, retention)] = counters.get((year, retention), 0) + 1
        codes.append(f"{fonds}-{year}-{retention}-{counters[(year, retention)]:04d}")
    return codes
