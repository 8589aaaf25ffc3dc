"""The clinic's registers, the planner, the practice and templates (records.read to read;
records.write to change the registers; appointments.write for the planner)."""

from tests.api.matrix import OFFICE, READERS, STAFF, Table

KINDS = ("departments", "practitioners", "patients", "referrers", "series")
EVERYONE_BUT_PRACTITIONERS = READERS - {"practitioner"}  # they see only their own appointments


def _kind(kind: str, key: str = "ref") -> Table:
    base = f"/api/v1/{kind}"
    return {
        ("GET", base): READERS,
        ("POST", base): OFFICE,
        ("POST", f"{base}/import"): OFFICE,
        ("GET", f"{base}/export"): READERS,
        ("GET", f"{base}/{{{key}}}"): READERS,
        ("PATCH", f"{base}/{{{key}}}"): OFFICE,
        ("GET", f"{base}/{{{key}}}/history"): READERS,
    }


ALLOWED: Table = {
    **{row: who for kind in KINDS for row, who in _kind(kind).items()},
    ("POST", "/api/v1/patients/{ref}/reveal"): OFFICE,
    ("GET", "/api/v1/patients/{ref}/overview"): READERS,
    ("GET", "/api/v1/tariffs"): READERS,
    ("POST", "/api/v1/tariffs"): OFFICE,
    ("GET", "/api/v1/tariffs/valid"): READERS,
    ("POST", "/api/v1/tariffs/import"): OFFICE,
    ("GET", "/api/v1/tariffs/export"): READERS,
    ("GET", "/api/v1/appointments"): READERS,
    ("POST", "/api/v1/appointments"): STAFF,
    ("POST", "/api/v1/appointments/import"): OFFICE,
    ("GET", "/api/v1/appointments/export"): EVERYONE_BUT_PRACTITIONERS,
    ("GET", "/api/v1/appointments/{key}"): READERS,
    ("PATCH", "/api/v1/appointments/{key}"): STAFF,
    ("DELETE", "/api/v1/appointments/{key}"): STAFF,
    **{
        ("POST", f"/api/v1/appointments/{{key}}/{name}"): STAFF
        for name in ("attended", "no-show", "cancel", "planned")
    },
    ("GET", "/api/v1/appointments/{key}/history"): READERS,
    ("GET", "/api/v1/practice"): READERS,
    ("PUT", "/api/v1/practice"): OFFICE,
    ("PATCH", "/api/v1/practice"): OFFICE,
    ("GET", "/api/v1/templates"): READERS,
    ("POST", "/api/v1/templates"): OFFICE,
    ("GET", "/api/v1/templates/{name}"): READERS,
    ("DELETE", "/api/v1/templates/{name}"): OFFICE,
    ("GET", "/api/v1/overview"): READERS,
}
