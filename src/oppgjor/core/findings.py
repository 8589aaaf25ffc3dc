"""Findings: what controls and validations return instead of raising.

A finding has a stable ``code`` (public API, listed in docs/controls.md), a ``severity``,
a Norwegian ``message`` for the clinic user, a ``location`` (what record and field) and the
``rule`` (name and version) that produced it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")
C = TypeVar("C")


class Severity(StrEnum):
    BLOCKING = "BLOCKING"
    WARNING = "WARNING"
    INFO = "INFO"


@dataclass(frozen=True, slots=True)
class FindingCode:
    """A catalogued finding code: the code, its severity and what it means (bokmål)."""

    code: str
    severity: Severity
    title: str

    def __call__(self, message: str, location: str, rule: str = "", link: str = "") -> Finding:
        return Finding(self.code, self.severity, message, location, rule or self.code.lower(), link)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: str
    rule: str
    link: str = ""  # where the user fixes it, e.g. ``serie/S001`` or ``pasient/P0001``

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def at(self, prefix: str) -> Finding:
        """The same finding, located under *prefix* (e.g. ``rad 7``)."""
        location = f"{prefix}.{self.location}" if self.location else prefix
        return Finding(self.code, self.severity, self.message, location, self.rule, self.link)

    def linked(self, link: str) -> Finding:
        """The same finding pointing at *link*, unless it already points somewhere."""
        if self.link:
            return self
        return Finding(self.code, self.severity, self.message, self.location, self.rule, link)

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location,
            "rule": self.rule,
            "link": self.link,
        }


INTERNAL = FindingCode(
    "INTERNAL",
    Severity.BLOCKING,
    "En kontroll feilet internt; meld fra til leverandøren. Kontrollen fortsatte med resten.",
)


def has_blocking(findings: Iterable[Finding]) -> bool:
    return any(f.blocking for f in findings)


def run_controls(
    controls: Sequence[Callable[[T, C], Iterable[Finding]]], subject: T, context: C, location: str
) -> list[Finding]:
    """Run each control on (subject, context) in order; a crash becomes an INTERNAL finding."""
    findings: list[Finding] = []
    for control in controls:
        try:
            findings.extend(control(subject, context))
        except Exception as exc:  # a crashing control must not stop the run
            last = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(
                INTERNAL(
                    f"Kontrollen {control.__name__} feilet ({type(exc).__name__} i "
                    f"{last.name}). Meld fra til leverandøren.",
                    location,
                    control.__name__,
                )
            )
    return findings
