"""CLI: the `claim` command group (waiting, credits, co-payments, expiry, rejections)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.text import Text

from oppgjor.app.errors import NotFound
from oppgjor.app.helfo import claims as claim_actions
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo import views
from oppgjor.cli.common import JsonOption, database, handled, now
from oppgjor.cli.helfo.common import (
    User,
    actor_name,
    claim_app,
    claim_dict,
    claims_table,
    day_option,
    settlement_type_of,
)
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, Compact, say, table
from oppgjor.cli.render import format_count, out, print_json
from oppgjor.core.money import format_nok

# -- claims ----------------------------------------------------------------------------------


@claim_app.command("waiting", help="Regninger som venter på et oppgjør.")
def waiting(
    type_: Annotated[str | None, typer.Option("--type", help="fbv eller bkm.")] = None,
    limit: Annotated[int, typer.Option(help="Vis høyst så mange.")] = 50,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = st.waiting(database(), settlement_type_of(type_) if type_ else None, now=now())
        if as_json:
            print_json([claim_dict(c) for c in found])
            return
        out.print(claims_table(found[:limit], "Venter på oppgjør", len(found)))
        total = sum((c.amount for c in found), Decimal(0))
        say(out, f"{format_count(len(found))} regninger, {format_nok(total)} kr.")


@claim_app.command("show", help="Én regning.")
def show_claim(
    number: Annotated[int, typer.Argument(help="Regningsnummer.")], as_json: JsonOption = False
) -> None:
    with handled(as_json):
        found = views.claims_of(database(), [number])
        if not found:
            raise NotFound(f"Regning {number} finnes ikke.")
        if as_json:
            print_json([claim_dict(c) for c in found])
            return
        out.print(claims_table(found, f"Regning {number}"))
        for c in found:
            if c.outcome_code:
                out.print(f"Avvist: {c.outcome_code} {c.outcome_text or ''}")


@claim_app.command("credit", help="Krediter en godkjent regning (hele regningen, negativt beløp).")
def credit(
    number: Annotated[int, typer.Argument(help="Regningsnummer.")],
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        c = claim_actions.credit(database(), number, now(), actor=actor_name(user))
        if as_json:
            print_json(claim_dict(c))
            return
        say(
            out,
            f"Kreditering av regning {number} ({format_nok(c.amount)} kr) venter på neste "
            "oppgjør. Når Helfo har godkjent den, kan en rettet regning sendes.",
        )


@claim_app.command("copayment-paid", help="Pasienten har betalt egenandelen.")
def copayment_paid(
    number: Annotated[int, typer.Argument(help="Regningsnummer.")],
    date: Annotated[str | None, typer.Option(help="Betalingsdato (standard i dag).")] = None,
    user: User = None,
) -> None:
    with handled():
        at = now()
        message = claim_actions.copayment_paid(
            database(), number, day_option(date) or at.date(), at, actor=actor_name(user)
        )
        out.print(message)


@claim_app.command("copayments", help="Betalte egenandeler som ikke er meldt til Helfo.")
def copayments(as_json: JsonOption = False) -> None:
    with handled(as_json):
        found = views.unsent_registrations(database(), now().date())
        rows: list[dict[str, Any]] = [
            {"claim": v.registration.claim_number, "paid_on": v.registration.paid_on.isoformat(),
             "correction": v.registration.correction, "overdue": v.overdue}
            for v in found
        ]  # fmt: skip
        if as_json:
            print_json(rows)
            return
        result = table(
            f"Ikke meldte egenandeler ({len(rows)})",
            ("regning", FIXED), ("betalt", FIXED), ("korrigering", FIXED), ("forfalt", TEXT),
        )  # fmt: skip
        for v in found:
            late = "[red]over 14 dager[/]" if v.overdue else ""
            r = v.registration
            result.add_row(
                str(r.claim_number), f"{r.paid_on:%d.%m.%Y}", "ja" if r.correction else "", late
            )
        out.print(result)


@claim_app.command(
    "expiring", help="Regninger som snart foreldes (6 måneder etter behandlingsmåneden)."
)
def expiring(
    days: Annotated[int, typer.Option(help="Innen så mange dager.")] = 30,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        at = now()
        found = views.expiring(database(), at.date(), days, now=at)
        if as_json:
            print_json(
                [
                    {
                        **claim_dict(x.claim),
                        "expires": x.expires.isoformat(),
                        "days_left": x.days_left,
                        "expired": x.days_left < 0,
                    }
                    for x in found
                ]
            )
            return
        expired = [x for x in found if x.days_left < 0]
        soon = [x for x in found if x.days_left >= 0]
        if expired:
            out.print(_expiry_table(f"Allerede foreldet ({len(expired)})", expired, "dager siden"))
            out.print("Helfo betaler ikke foreldede regninger; de kan ikke sendes.")
        out.print(_expiry_table(f"Foreldes innen {days} dager ({len(soon)})", soon, "dager igjen"))


def _expiry_table(title: str, rows: list[views.ExpiringClaim], days_label: str) -> Compact:
    result = table(
        title,
        ("nr", FIXED), ("behandlet", FIXED), ("frist", FIXED), (days_label, AMOUNT),
        ("status", TEXT),
    )  # fmt: skip
    for x in rows:
        result.add_row(
            str(x.claim.number), f"{x.claim.content.service_date:%d.%m.%Y}",
            f"{x.expires:%d.%m.%Y}", str(abs(x.days_left)), x.claim.status,
        )  # fmt: skip
    return result


@claim_app.command("outstanding", help="Sendte regninger som ikke er utbetalt, etter alder.")
def outstanding(as_json: JsonOption = False) -> None:
    with handled(as_json):
        buckets = views.outstanding(database(), now().date())
        if as_json:
            print_json(
                [{"age": b.label, "count": b.count, "amount": str(b.amount)} for b in buckets]
            )
            return
        result = table(
            "Utestående hos Helfo", ("alder", TEXT), ("antall", AMOUNT), ("beløp", AMOUNT)
        )
        for b in buckets:
            result.add_row(b.label, format_count(b.count), format_nok(b.amount))
        out.print(result)


@claim_app.command("rejections", help="Avvisningsrate per årsak.")
def rejections(as_json: JsonOption = False) -> None:
    with handled(as_json):
        answered, reasons = views.rejections(database())
        if as_json:
            print_json({"answered": answered, "reasons": [r.__dict__ for r in reasons]})
            return
        result = table(
            f"Avviste regninger av {format_count(answered)} besvarte",
            ("kode", FIXED), ("årsak", TEXT), ("antall", AMOUNT), ("andel", AMOUNT),
        )  # fmt: skip
        for r in reasons:
            share = f"{r.share:.1%}".replace(".", ",").replace("%", " %")
            result.add_row(r.code, Text(r.text), format_count(r.count), share)
        out.print(result)
