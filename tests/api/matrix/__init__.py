"""The authorisation matrix, one module per area of the API: for each endpoint (method and
path as the OpenAPI document spells it), who is allowed. Everyone else is refused: 401 without
valid credentials, 403 with them. ``test_authorization_matrix`` checks every route of the app
against the union of these tables, so a new endpoint without a row fails."""

from __future__ import annotations

ADMIN = frozenset({"administrator"})
OFFICE = ADMIN | {"settlement-office"}
STAFF = OFFICE | {"practitioner"}  # the clinic's people who write in the planner
READERS = STAFF | {"read-only"}
INSURERS = frozenset({"IF", "TRYG"})  # booking clients' tokens
LOGGED_IN = READERS | INSURERS
PUBLIC = frozenset({"public"})  # no credentials needed (logging in, the API's description)

Table = dict[tuple[str, str], frozenset[str]]
