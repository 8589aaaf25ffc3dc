"""ISF: runs as background jobs, their results, deadlines, pricing and grouping (a
practitioner has no ISF permission)."""

from tests.api.matrix import OFFICE, Table

ALLOWED: Table = {
    ("POST", "/api/v1/isf/runs"): OFFICE,
    ("GET", "/api/v1/isf/runs"): OFFICE | {"read-only"},
    ("GET", "/api/v1/isf/runs/{run_id}"): OFFICE | {"read-only"},
    ("GET", "/api/v1/isf/runs/{run_id}/summary"): OFFICE | {"read-only"},
    ("GET", "/api/v1/isf/runs/{run_id}/records"): OFFICE | {"read-only"},
    ("GET", "/api/v1/isf/runs/{run_id}/records.csv"): OFFICE | {"read-only"},
    ("GET", "/api/v1/isf/deadlines"): OFFICE | {"read-only"},
    ("GET", "/api/v1/isf/price"): OFFICE | {"read-only"},
    ("POST", "/api/v1/isf/group"): OFFICE,
}
