"""The tariff plate (takstplakat): what tariff code X costs on date D.

Each tariff code has validity periods; resolution is "latest start ≤ date" among the periods
whose end (if any) is not before the date (DESIGN.md convention 4). Importing a new plate adds
periods; it never changes one already stored.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from oppgjor.clinic.domain import findings as F
from oppgjor.clinic.domain.checks import Checker
from oppgjor.clinic.domain.model import Tariff
from oppgjor.core.findings import Finding, FindingCode, Location, Severity

TARIFF_HISTORY_CONFLICT = FindingCode(
    "TARIFF_HISTORY_CONFLICT",
    Severity.BLOCKING,
    "Importen ville endre en takstperiode som allerede er lagret; historikk endres aldri.",
)
CODES = (TARIFF_HISTORY_CONFLICT,)


def tariff_key(t: Tariff) -> tuple[str, str, datetime.date]:
    return (t.code, t.specialty, t.valid_from)


def tariff_ref(t: Tariff) -> str:
    """A tariff period's ref in a finding's location: ``code/specialty/valid_from``."""
    return f"{t.code}/{t.specialty}/{t.valid_from}"


def check_tariff(tariff: Tariff) -> tuple[Tariff, list[Finding]]:
    c = Checker("takst", tariff_ref(tariff))
    c.required("code", tariff.code, "Takstkode")
    if c.required("specialty", tariff.specialty, "Fagområde"):
        c.code("specialty", tariff.specialty, "fagomraader.csv", "Fagområde")
    for name, label in (("fee", "Honorar"), ("refund", "Refusjon"), ("copayment", "Egenandel")):
        if getattr(tariff, name) < 0:
            c.add(F.AMOUNT_INVALID, name, f"{label} kan ikke være negativ.")
    if tariff.refund + tariff.copayment > tariff.fee > 0:
        c.add(
            F.AMOUNTS_INCONSISTENT,
            "refund",
            f"Refusjon {tariff.refund} + egenandel {tariff.copayment} er mer enn honorar "
            f"{tariff.fee}.",
        )
    if tariff.valid_to and tariff.valid_to < tariff.valid_from:
        c.add(F.DATE_RANGE_INVALID, "valid_to", "Gyldig til er før gyldig fra.")
    if tariff.max_per_patient_day is not None and tariff.max_per_patient_day < 1:
        c.add(F.AMOUNT_INVALID, "max_per_patient_day", "Maks per pasient per dag må være ≥ 1.")
    return tariff, c.findings


LookupKey = tuple[str, datetime.date, tuple[str, ...] | None]


class TariffPlate:
    """All stored periods of all tariff codes, indexed for lookup by code and date. A plate
    does not change once built, so each lookup is computed once and remembered (a settlement
    asks for the same code on the same day thousands of times)."""

    def __init__(self, tariffs: Iterable[Tariff] = ()) -> None:
        self._by_code: dict[str, list[Tariff]] = defaultdict(list)
        for t in tariffs:
            self._by_code[t.code].append(t)
        for versions in self._by_code.values():
            versions.sort(key=lambda t: t.valid_from)
        # a plate never changes, so each (code, day, specialties) is looked up once: an
        # import of 100 000 appointments asks about a few hundred distinct days
        self._found: dict[tuple[str, datetime.date, tuple[str, ...] | None], Tariff | None] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_code.values())

    def codes(self) -> list[str]:
        return sorted(self._by_code)

    def versions(self, code: str) -> list[Tariff]:
        return list(self._by_code.get(code, ()))

    def lookup(
        self, code: str, day: datetime.date, specialties: Sequence[str] | None = None
    ) -> Tariff | None:
        """The period of *code* valid on *day*; with *specialties*, the first that has one."""
        key = (code, day, None if specialties is None else tuple(specialties))
        try:
            return self._found[key]
        except KeyError:
            found = self._found[key] = self._lookup(code, day, specialties)
            return found

    def _lookup(
        self, code: str, day: datetime.date, specialties: Sequence[str] | None
    ) -> Tariff | None:
        candidates = [t for t in self._by_code.get(code, ()) if t.valid_from <= day]
        found: dict[str, Tariff] = {}
        for t in candidates:  # sorted by start, so the latest start wins
            found[t.specialty] = t
        valid = {s: t for s, t in found.items() if t.valid_on(day)}
        if specialties is None:
            return next(iter(valid.values())) if len(valid) == 1 else None
        for specialty in specialties:
            if specialty in valid:
                return valid[specialty]
        return None

    def plan_import(self, incoming: Iterable[Tariff]) -> tuple[list[Tariff], int, list[Finding]]:
        """Which incoming periods are new, how many are already stored, and conflicts.

        A period identical to a stored one is skipped; one that differs from a stored period
        with the same start, or that starts before the latest stored start of its code and
        specialty, would rewrite history and is a BLOCKING finding.
        """
        stored = {tariff_key(t): t for versions in self._by_code.values() for t in versions}
        latest: dict[tuple[str, str], datetime.date] = {}
        for code, specialty, start in stored:
            latest[(code, specialty)] = max(start, latest.get((code, specialty), start))
        new: list[Tariff] = []
        unchanged = 0
        findings: list[Finding] = []
        for t in sorted(incoming, key=lambda t: t.valid_from):
            key = tariff_key(t)
            location = Location("takst", tariff_ref(t))
            old = stored.get(key)
            if old is not None:
                if _same(old, t):
                    unchanged += 1
                    continue
                findings.append(
                    TARIFF_HISTORY_CONFLICT(
                        f"Takst {t.code} ({t.specialty}) fra {t.valid_from} er lagret med andre "
                        "verdier. Legg inn en ny periode med ny fra-dato i stedet.",
                        location,
                    )
                )
                continue
            last = latest.get((t.code, t.specialty))
            if last is not None and t.valid_from < last:
                findings.append(
                    TARIFF_HISTORY_CONFLICT(
                        f"Takst {t.code} ({t.specialty}) fra {t.valid_from} starter før en lagret "
                        f"periode (fra {last}) og ville endre historikken.",
                        location,
                    )
                )
                continue
            new.append(t)
            stored[key] = t
            latest[(t.code, t.specialty)] = t.valid_from
        return new, unchanged, findings


def _same(a: Tariff, b: Tariff) -> bool:
    fields = ("text", "fee", "refund", "copayment", "valid_to", "max_per_patient_day")
    return all(getattr(a, f) == getattr(b, f) for f in fields)
