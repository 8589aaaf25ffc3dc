"""Errors a use case raises to its entrypoint. Nothing has been written when one is raised."""

from __future__ import annotations

from collections.abc import Sequence

from oppgjor.core.findings import Finding


class UseCaseError(Exception):
    exit_code = 1


class Rejected(UseCaseError):
    """The input has BLOCKING findings; nothing was written."""

    def __init__(self, findings: Sequence[Finding], summary: str = "Ingenting ble lagret.") -> None:
        super().__init__(summary)
        self.findings = list(findings)


class NotFound(UseCaseError):
    exit_code = 3


class Conflict(UseCaseError):
    exit_code = 5


class Stale(Conflict):
    """The record changed since the caller read it (optimistic locking: the version or the
    ETag the caller named is not the current one). Over HTTP: 412."""


class Forbidden(UseCaseError):
    """The caller may not do this to this record (a practitioner and another's appointment).
    Over HTTP: 403."""
