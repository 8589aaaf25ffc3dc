"""A small helper that collects findings while normalising a record's fields."""

from __future__ import annotations

import re
from collections.abc import Callable

from oppgjor.clinic.domain import findings as F
from oppgjor.core import codes
from oppgjor.core.findings import Finding, FindingCode, Location
from oppgjor.core.ids import InvalidIdentifier

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Checker:
    """Collects findings for one record: *kind* and, for a record with a key, its *ref*
    (located e.g. ``pasient[P1].id_value``)."""

    def __init__(self, kind: str, ref: str | None = None) -> None:
        self.location = Location(kind, ref)
        self.findings: list[Finding] = []

    def add(self, code: FindingCode, field: str, message: str) -> None:
        self.findings.append(code(message, self.location.child(field)))

    def required(self, field: str, value: object, label: str) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(F.FIELD_MISSING, field, f"{label} må fylles ut.")
            return False
        return True

    def ident(
        self,
        field: str,
        value: str | None,
        validate: Callable[[str], str],
        code: FindingCode,
    ) -> str | None:
        """Validate an optional identifier; return it normalised (or as given, if invalid)."""
        if value is None or not value.strip():
            return None
        try:
            return validate(value)
        except InvalidIdentifier as exc:
            self.add(code, field, f"{exc}.")
            return value

    def code(self, field: str, value: str | None, table: str, label: str) -> None:
        if value and value not in codes.table(table):
            self.add(F.CODE_UNKNOWN, field, f"{label} «{value}» finnes ikke i kodeverket.")

    def email(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not _EMAIL.match(value):
            self.add(F.EMAIL_INVALID, field, f"E-postadressen «{value}» er ugyldig.")
        return value
