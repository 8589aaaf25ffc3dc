"""Passwords, hashed with Argon2 (pwdlib's recommended parameters). A password is never kept
or logged; only its hash (a PHC string that names its own parameters) is stored."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_HASHER = PasswordHash((Argon2Hasher(),))
# compared against when the user does not exist, so an unknown name takes as long to refuse
_DUMMY = _HASHER.hash("oppgjor: a password nobody has")

MIN_LENGTH = 10


def weakness(password: str) -> str | None:
    """Why *password* is refused, in Norwegian, or None."""
    if len(password) < MIN_LENGTH:
        return f"Passordet må ha minst {MIN_LENGTH} tegn."
    if password.strip() != password:
        return "Passordet kan ikke begynne eller slutte med mellomrom."
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(password: str, stored: str | None) -> bool:
    """Whether *password* matches the *stored* hash; as slow for a missing hash."""
    if not stored:
        _HASHER.verify(password, _DUMMY)
        return False
    try:
        return bool(_HASHER.verify(password, stored))
    except Exception:  # a damaged hash in the database: no login, never a crash
        return False
