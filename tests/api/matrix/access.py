"""Logging in, who am I, users, tokens and booking clients."""

from tests.api.matrix import ADMIN, LOGGED_IN, PUBLIC, Table

ALLOWED: Table = {
    ("POST", "/api/v1/session"): PUBLIC,
    ("DELETE", "/api/v1/session"): PUBLIC,
    ("GET", "/api/v1/me"): LOGGED_IN,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("PATCH", "/api/v1/users/{username}"): ADMIN,
    ("GET", "/api/v1/tokens"): ADMIN,
    ("POST", "/api/v1/tokens"): ADMIN,
    ("DELETE", "/api/v1/tokens/{token_id}"): ADMIN,
    ("GET", "/api/v1/booking-clients"): ADMIN,
    ("POST", "/api/v1/booking-clients"): ADMIN,
}
