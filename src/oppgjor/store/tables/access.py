"""Who may use oppgjor over HTTP (ADR 0019): users and their roles, bearer tokens, web sessions,
login attempts (for throttling), the answers to idempotent requests, and background jobs.

Secrets are never stored: a password as its Argon2 hash, a token and a session id as the
SHA-256 of the random value handed out once."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from oppgjor.store.tables.base import metadata

# a person who logs in; role is one of access.domain.roles.Role; a practitioner's user is
# linked to the practitioner record (the claims and appointments that are theirs)
app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(24), nullable=False),
    Column("password_hash", Text),  # Argon2 (PHC string); None: cannot log in with a password
    Column("practitioner_id", ForeignKey("practitioner.id", ondelete="SET NULL")),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

# an insurer (or other outside system) that books into the planner over the API; issue 15
# links it to the insurer's record
booking_client = Table(
    "booking_client",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("org_nr", String(9)),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

# a bearer token for an integration: a user's (acting as that user, within its scopes) or a
# booking client's; the token itself is shown once, only its SHA-256 is kept
api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the first characters, to recognise it
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE")),
    Column("client_id", ForeignKey("booking_client.id", ondelete="CASCADE")),
    Column("scopes", Text, nullable=False),  # space separated
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("last_used_at", DateTime),
    Column("created_by", String(100), nullable=False),
    sqlite_autoincrement=True,
)

# a logged-in browser: the cookie holds the random id, this table its SHA-256
web_session = Table(
    "web_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    sqlite_autoincrement=True,
)

# every login attempt, for throttling (failures per user name and per address)
login_attempt = Table(
    "login_attempt",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("remote", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("success", Boolean, nullable=False),
    Index("ix_login_attempt_username_at", "username", "at"),
    Index("ix_login_attempt_remote_at", "remote", "at"),
)

# the answer to a POST that carried an Idempotency-Key: a retry with the same key gets it
# again instead of creating twice (per caller; the request's hash must match)
idempotent_request = Table(
    "idempotent_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("caller", String(80), nullable=False),
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer),  # None while the first request is still running
    Column("headers", Text, nullable=False, server_default="{}"),  # JSON
    Column("body", Text, nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("caller", "key"),
)

# a long piece of work run in the background (an ISF run): its state and progress, polled
background_job = Table(
    "background_job",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # queued, running, done, failed
    Column("done", Integer, nullable=False, server_default="0"),
    Column("total", Integer),
    Column("parameters", Text, nullable=False, server_default="{}"),  # JSON
    Column("result", Text),  # JSON
    Column("error", Text),
    Column("folder", Text),  # where its input and output files are
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
    sqlite_autoincrement=True,
)
