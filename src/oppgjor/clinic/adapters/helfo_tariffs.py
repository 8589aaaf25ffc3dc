"""Helfo's open tariff data (``takstkoder`` from navikt/Helserefusjon-apne-data) as tariff rows."""

from __future__ import annotations

from typing import Any


def is_open_data(rows: list[dict[str, Any]]) -> bool:
    """Whether *rows* are in Helfo's layout rather than ours."""
    return bool(rows) and "takstkode" in rows[0]


def tariff_row(row: dict[str, Any]) -> dict[str, Any]:
    """One object of Helfo's open ``takstkoder`` data as a tariff row. Dates may carry a time
    part; amounts may be numbers or text. A value that is neither (a list, an object) is
    passed on as it is, for the reader to refuse with the row and field."""

    def day(value: Any) -> Any:
        if value is None or value == "":
            return ""
        return value[:10] if isinstance(value, str) else value

    def amount(key: str) -> Any:
        value = row.get(key)
        return 0 if value is None or value == "" else value

    takst_id = row.get("takst_id", "")
    if isinstance(takst_id, list | dict):
        takst_id = ""

    return {
        "code": row.get("takstkode"),
        "specialty": row.get("fagomraade"),
        "text": row.get("beskrivelse") or "",
        "fee": amount("honorar"),
        "refund": amount("refusjon"),
        "copayment": amount("egenandel"),
        "valid_from": day(row.get("fradato")),
        "valid_to": day(row.get("tildato")),
        "source": f"Helfo åpne data takst_id {takst_id}".strip(),
    }


def as_tariff_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*rows* in our layout: converted when they are Helfo's open data, else as they are."""
    return [tariff_row(r) for r in rows] if is_open_data(rows) else rows
