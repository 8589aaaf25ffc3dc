"""Settlements, claims, the Helfo calendar and the Helfo and KUHR settings."""

from tests.api.matrix import ADMIN, OFFICE, READERS, Table

SETTLEMENT_READERS = OFFICE | {"read-only"}  # a practitioner sees claims, not settlements
S = "/api/v1/settlements/{settlement_id}"

ALLOWED: Table = {
    # the draft (SETTLEMENTS_WRITE) and reading (SETTLEMENTS_READ)
    ("POST", "/api/v1/settlements"): OFFICE,
    ("GET", "/api/v1/settlements"): SETTLEMENT_READERS,
    ("GET", S): SETTLEMENT_READERS,
    ("DELETE", S): OFFICE,
    ("GET", f"{S}/history"): SETTLEMENT_READERS,
    ("POST", f"{S}/mark"): OFFICE,
    ("POST", f"{S}/date"): OFFICE,
    ("POST", f"{S}/control"): OFFICE,
    ("POST", f"{S}/move-blocked"): OFFICE,
    # submitting and sending (SETTLEMENTS_SUBMIT)
    ("POST", f"{S}/submit"): OFFICE,
    ("POST", f"{S}/unlock"): OFFICE,
    ("POST", f"{S}/sent"): OFFICE,
    ("POST", f"{S}/send"): OFFICE,
    ("POST", f"{S}/portal-file"): OFFICE,
    ("POST", f"{S}/receipt"): OFFICE,
    ("POST", f"{S}/correct"): OFFICE,
    ("POST", f"{S}/kuhr-status"): OFFICE,
    ("POST", "/api/v1/helfo/inbox"): OFFICE,
    # the payout and the accounts (SETTLEMENTS_PAY)
    ("POST", f"{S}/pay"): OFFICE,
    ("POST", f"{S}/book"): OFFICE,
    ("GET", f"{S}/accounting"): OFFICE,
    ("GET", f"{S}/accounting.csv"): OFFICE,
    ("GET", "/api/v1/payouts"): SETTLEMENT_READERS,
    # claims (CLAIMS_READ: a practitioner sees their own; CLAIMS_WRITE)
    ("GET", "/api/v1/claims/waiting"): READERS,
    ("GET", "/api/v1/claims/expiring"): READERS,
    ("GET", "/api/v1/claims/outstanding"): READERS,
    ("GET", "/api/v1/claims/rejections"): SETTLEMENT_READERS,  # the clinic's, not one's own
    ("GET", "/api/v1/claims/copayments"): READERS,
    ("GET", "/api/v1/claims/{number}"): READERS,
    ("POST", "/api/v1/claims/{number}/credit"): OFFICE,
    ("POST", "/api/v1/claims/{number}/copayment-paid"): OFFICE,
    # the calendar and the settings
    ("GET", "/api/v1/helfo/calendar"): READERS,
    ("GET", "/api/v1/helfo/settings"): ADMIN,
    ("PUT", "/api/v1/helfo/settings"): ADMIN,
    ("GET", "/api/v1/helfo/kuhr-settings"): ADMIN,
    ("PUT", "/api/v1/helfo/kuhr-settings"): ADMIN,
}
