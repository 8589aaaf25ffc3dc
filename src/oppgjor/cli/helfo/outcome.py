"""CLI: the `settlement` commands after submission: a settlement sent by other means,
Helfo's receipt, correcting rejected claims, the payout, booking and its export, and payouts
against what was approved. They register on the same ``settlement`` group as
``cli.helfo.settlement``, after its commands, so ``--help`` lists the workflow in order."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from oppgjor.app import files, installation
from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import booking, views
from oppgjor.app.helfo import settlements as st
from oppgjor.cli.common import JsonOption, database, handled, now
from oppgjor.cli.helfo import settlement as _before  # noqa: F401  (its commands list first)
from oppgjor.cli.helfo.common import (
    Id,
    User,
    Version,
    actor_name,
    claim_numbers,
    day_option,
    print_settlement,
    rejection_reasons,
    settlement_app,
    settlement_dict,
)
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, say, table
from oppgjor.cli.render import err, format_count, out, print_json
from oppgjor.core.money import format_nok
from oppgjor.helfo.domain import payouts as payout_rules
from oppgjor.helfo.domain.transport import ManualTransport


@settlement_app.command("sent", help="Registrer at et innsendt oppgjør er sendt utenom oppgjor.")
def sent(
    settlement_id: Id,
    ref: Annotated[str, typer.Option("--ref", help="Referanse (melding, fil, portal-kvittering).")],
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        if not ref.strip():
            raise UseCaseError("Oppgi en referanse med --ref.")
        s, _ = st.send(
            database(),
            settlement_id,
            ManualTransport(ref),
            expected=version,
            actor=actor_name(user),
            now=now(),
        )
        print_settlement(s, as_json)


@settlement_app.command(
    "receipt", help="Registrer Helfos svar: avviste regninger, resten godkjent."
)
def receipt(
    settlement_id: Id,
    rejected: Annotated[
        list[str] | None, typer.Option("--rejected", help="REGNINGSNR:KODE[:TEKST], gjentas.")
    ] = None,
    all_rejected: Annotated[
        str | None, typer.Option("--all-rejected", help="KODE[:TEKST]: hele meldingen avvist.")
    ] = None,
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        whole = None
        if all_rejected:
            code, _, text = all_rejected.partition(":")
            whole = (code, text)
        s = st.receipt(
            database(), settlement_id, rejection_reasons(rejected), whole_rejected=whole,
            expected=version, actor=actor_name(user), now=now(),
        )  # fmt: skip
        print_settlement(s, as_json)


@settlement_app.command("correct", help="Rett avviste regninger: flytt dem til et nytt utkast.")
def correct(
    settlement_id: Id,
    claims: Annotated[
        list[str] | None, typer.Option("--claims", help="Regningsnumre fra utbetalingsvedtaket.")
    ] = None,
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        numbers = claim_numbers(claims) or None
        old, fresh = st.correct_rejected(
            database(), settlement_id, numbers, expected=version, actor=actor_name(user), now=now()
        )
        if as_json:
            print_json({"old": settlement_dict(old), "new": settlement_dict(fresh)})
            return
        print_settlement(old, False)
        print_settlement(fresh, False)
        out.print(f"Rett årsakene, så: oppgjor settlement control {fresh.id}")


@settlement_app.command("pay", help="Registrer utbetalingsvedtaket (beløp og dato).")
def pay(
    settlement_id: Id,
    amount: Annotated[str, typer.Option(help="Utbetalt beløp, f.eks. 12345,50.")],
    date: Annotated[str, typer.Option(help="Utbetalingsdato.")],
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        try:
            value = Decimal(amount.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise UseCaseError(f"«{amount}» er ikke et beløp.") from None
        day = day_option(date)
        assert day is not None
        s = st.pay(
            database(),
            settlement_id,
            value,
            day,
            expected=version,
            actor=actor_name(user),
            now=now(),
        )
        if as_json:
            found = [f.as_dict() for f in payout_rules.findings(s)]
            print_json({**settlement_dict(s), "findings": found})
        else:
            print_settlement(s, False)


def _write_lines(lines: list[booking.BookingLine], output: Path | None) -> None:
    text = booking.csv_text(lines)
    if output is None:
        sys.stdout.write(text)
        return
    files.write_private(output, text, installation.file_mode(database()))


@settlement_app.command("book", help="Bokfør et utbetalt oppgjør og skriv posteringene (CSV).")
def book(
    settlement_id: Id,
    output: Annotated[Path | None, typer.Option(help="CSV-fil for regnskapet.")] = None,
    difference: Annotated[
        str | None,
        typer.Option(
            "--difference",
            help="Når utbetalingen avviker fra godkjent sum: awaiting (Helfo skylder resten, "
            "føres som fordring) eller write-off (føres som tap, med --reason).",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Begrunnelse for avskriving.")] = None,
    version: Version = None,
    user: User = None,
) -> None:
    with handled():
        s, lines = booking.book(
            database(), settlement_id, difference=difference, reason=reason, expected=version,
            actor=actor_name(user), now=now(),
        )  # fmt: skip
        _write_lines(lines, output)
        # what was written; beside a CSV on the screen, on stderr so the CSV stays clean
        _print_booked(s.id, lines, output, out if output is not None else err)


def _print_booked(
    settlement_id: int, lines: list[booking.BookingLine], output: Path | None, console: Console
) -> None:
    where = f"til {output}" if output is not None else "på skjermen (CSV)"
    say(
        console,
        f"[green]Bokført oppgjør {settlement_id}:[/] {format_count(len(lines))} posteringer "
        f"i ett bilag, skrevet {where}.",
    )
    result = table(
        "Per konto", ("konto", FIXED), ("posteringer", AMOUNT), ("debet", AMOUNT),
        ("kredit", AMOUNT),
    )  # fmt: skip
    for account in dict.fromkeys(x.account for x in lines):
        amounts = [x.amount for x in lines if x.account == account]
        debit = sum((a for a in amounts if a > 0), Decimal(0))
        credit = -sum((a for a in amounts if a < 0), Decimal(0))
        result.add_row(account, format_count(len(amounts)), format_nok(debit), format_nok(credit))
    console.print(result)


@settlement_app.command("export", help="Posteringene til et bokført oppgjør (CSV).")
def export(
    settlement_id: Id,
    output: Annotated[Path | None, typer.Option(help="CSV-fil (standard: skjerm).")] = None,
) -> None:
    with handled():
        _write_lines(booking.accounting(database(), settlement_id), output)


@settlement_app.command("payouts", help="Forventet (godkjent) mot utbetalt per oppgjør.")
def payouts(as_json: JsonOption = False) -> None:
    with handled(as_json):
        rows = views.payouts(database())
        if as_json:
            print_json([{"id": r.settlement.id, "status": r.settlement.label,
                         "expected": str(r.expected), "rejected": r.rejected,
                         "paid": None if r.paid is None else str(r.paid),
                         "difference": None if r.difference is None else str(r.difference)}
                        for r in rows])  # fmt: skip
            return
        result = table(
            "Utbetalinger", ("oppgjør", FIXED), ("status", TEXT), ("godkjent", AMOUNT),
            ("avviste", AMOUNT), ("utbetalt", AMOUNT), ("avvik", AMOUNT),
        )  # fmt: skip
        for r in rows:
            result.add_row(
                str(r.settlement.id), r.settlement.label, format_nok(r.expected), str(r.rejected),
                "" if r.paid is None else format_nok(r.paid),
                "" if not r.difference else f"[red]{format_nok(r.difference)}[/]",
            )  # fmt: skip
        out.print(result)
