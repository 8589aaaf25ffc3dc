"""The settlement controls (``SETTLEMENT_CONTROLS``): the claims together (daily tariff
limit, duplicates, totals, the FBV scheme's end). A finding about one claim is located at
that claim (``regning[number]``), so the runner knows which claim it blocks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from oppgjor.clinic.domain.model import Practitioner
from oppgjor.core.findings import Finding, FindingCode, Severity
from oppgjor.core.money import format_nok
from oppgjor.helfo.domain.claims import lookup_tariff
from oppgjor.helfo.domain.controls.context import (
    ControlContext,
    appointment_link,
    claim_at,
    settlement_at,
)
from oppgjor.helfo.domain.model import Claim, ClaimKind, SettlementType

B, W = Severity.BLOCKING, Severity.WARNING

FBV_ENDED = FindingCode(
    "HELFO_FBV_ENDED", W, "Helfo tar bare imot FBV-krav for behandling før 1.1.2024."
)
DAILY_LIMIT = FindingCode(
    "HELFO_DAILY_LIMIT", B, "FBV-dagtaksten er brukt mer enn én gang for pasienten samme dag."
)
DUPLICATE = FindingCode(
    "HELFO_DUPLICATE",
    B,
    "En annen regning har samme pasient, behandler, tidspunkt og takster.",
)
TOTALS = FindingCode("HELFO_TOTALS", B, "Oppgjørets sum eller antall stemmer ikke med regningene.")
EMPTY = FindingCode("HELFO_EMPTY", B, "Oppgjøret har ingen regninger.")


def control_daily_limit(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """A tariff with a per-patient daily limit (the FBV day tariff: once) across all claims of
    the patient that day, in this settlement or already elsewhere."""
    used: dict[tuple[str, datetime.date, str], int] = defaultdict(int)
    for other in ctx.others:
        if other.kind is ClaimKind.CLAIM and not other.credited:
            for line in other.content.lines:
                used[(other.content.patient_ref, other.content.service_date, line.code)] += (
                    line.quantity
                )
    for claim in sorted(claims, key=lambda c: (c.content.service_time, c.number)):
        if claim.kind is not ClaimKind.CLAIM:
            continue
        practitioner = ctx.practitioners.get(claim.content.practitioner_ref)
        for line in claim.content.lines:
            key = (claim.content.patient_ref, claim.content.service_date, line.code)
            used[key] += line.quantity
            limit = _limit(line.code, claim, practitioner, ctx)
            if limit is not None and used[key] > limit:
                yield DAILY_LIMIT(
                    _over_limit(claim, line.code, line.quantity, limit),
                    claim_at(claim, f"takst[{line.code}]"),
                    link=appointment_link(claim),
                )


def _over_limit(claim: Claim, code: str, quantity: int, limit: int) -> str:
    """What is wrong: the quantity on this very claim, the code twice on it, or the tariff
    already used that day."""
    times = f"{limit} gang" + ("er" if limit != 1 else "")
    here = [x for x in claim.content.lines if x.code == code]
    if quantity > limit:
        return (
            f"Regning {claim.number}: takst «{code}» har antall {quantity}, men kan brukes "
            f"høyst {times} per pasient per dag. Sett antallet til {limit} på avtalen."
        )
    if sum(x.quantity for x in here) > limit:
        return (
            f"Regning {claim.number}: takst «{code}» står {len(here)} ganger på regningen, men "
            f"kan brukes høyst {times} per pasient per dag. Fjern den doble linjen fra avtalen."
        )
    return (
        f"Regning {claim.number}: takst «{code}» kan brukes {times} per pasient per "
        f"dag, og er allerede brukt {claim.content.service_date:%d.%m.%Y}. Fjern taksten fra "
        "én av avtalene."
    )


def _limit(
    code: str, claim: Claim, practitioner: Practitioner | None, ctx: ControlContext
) -> int | None:
    tariff = lookup_tariff(ctx.plate, code, claim.content.service_date, practitioner)
    return tariff.max_per_patient_day if tariff else None


def control_duplicates(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """No other claim, here or already sent, has the same patient, practitioner, time and
    tariffs."""

    def key(c: Claim) -> tuple[str, str, datetime.datetime, tuple[str, ...]]:
        x = c.content
        return (x.patient_ref, x.practitioner_ref, x.service_time, x.codes)

    seen: dict[tuple[str, str, datetime.datetime, tuple[str, ...]], int] = {}
    for other in ctx.others:
        if other.kind is ClaimKind.CLAIM and not other.credited:
            seen.setdefault(key(other), other.number)
    for claim in sorted(claims, key=lambda c: c.number):
        if claim.kind is not ClaimKind.CLAIM:
            continue
        first = seen.setdefault(key(claim), claim.number)
        if first != claim.number:
            yield DUPLICATE(
                f"Regning {claim.number} er lik regning {first} (samme pasient, behandler, "
                "tidspunkt og takster). Slett den doble avtalen eller flytt regningen ut.",
                claim_at(claim),
                link=appointment_link(claim),
            )


def control_totals(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """The settlement's total is the sum of its claims, its count their number."""
    total = sum((c.amount for c in claims), Decimal(0))
    s = ctx.settlement
    if total != s.total or len(claims) != s.count:
        yield TOTALS(
            f"Oppgjøret viser {s.count} regninger og {format_nok(s.total)}, men regningene er "
            f"{len(claims)} og {format_nok(total)}. Lagre oppgjøret på nytt.",
            settlement_at(s, "total"),
        )


def control_fbv_period(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """Once per settlement: FBV claims for treatment after the scheme's last date."""
    param = ctx.params["fbv_last_service_date"]
    late = [
        c
        for c in claims
        if c.content.type is SettlementType.FBV
        and c.content.service_date > param.at(c.content.service_date)
    ]
    if late:
        last = param.at(late[0].content.service_date)
        yield FBV_ENDED(
            f"{len(late)} FBV-regninger gjelder behandling etter {last:%d.%m.%Y}. FBV-ordningen "
            "er avviklet, og Helfo oppgir at slike krav ikke tas imot; avklar med Helfo før "
            "innsending.",
            settlement_at(ctx.settlement),
            ctx.rule(*(("fbv_last_service_date", c.content.service_date) for c in late)),
        )


def control_empty(claims: Sequence[Claim], ctx: ControlContext) -> Iterable[Finding]:
    """The settlement carries claims or co-payment registrations."""
    if not claims and not ctx.registrations:
        yield EMPTY(
            "Marker regninger for oppgjøret før du kontrollerer.", settlement_at(ctx.settlement)
        )


SETTLEMENT_CONTROLS = [
    control_empty,
    control_daily_limit,
    control_duplicates,
    control_totals,
    control_fbv_period,
]
