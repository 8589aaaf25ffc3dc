"""CLI for Helfo settlements: `settlement`, `claim` and `helfo` command groups."""

from __future__ import annotations

import csv
import datetime
import getpass
import io
import os
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from oppgjor.app import claims as claim_actions
from oppgjor.app import helfo_exchange as hx
from oppgjor.app import helfo_kuhr as kuhr_app
from oppgjor.app import helfo_views as views
from oppgjor.app import settlements as st
from oppgjor.app.errors import UseCaseError
from oppgjor.app.tabular import parse_date
from oppgjor.cli.common import JsonOption, database, handled
from oppgjor.cli.render import SEVERITY_STYLE, out, print_findings, print_json
from oppgjor.core.money import format_nok
from oppgjor.helfo import calendar
from oppgjor.helfo.model import Claim, Settlement, SettlementState, SettlementType
from oppgjor.helfo.transport import ManualTransport

settlement_app = typer.Typer(
    help="Oppgjør med Helfo: lag, kontrollér, send inn, rett, bokfør.", no_args_is_help=True
)
claim_app = typer.Typer(
    help="Regninger til Helfo: venter, foreldes, avvist, krediter.", no_args_is_help=True
)
helfo_app = typer.Typer(help="Helfo-kalenderen og innstillinger.", no_args_is_help=True)

TYPES = {"fbv": SettlementType.FBV, "bkm": SettlementType.BKM}
Id = Annotated[int, typer.Argument(help="Oppgjørsnummer.")]
Version = Annotated[
    int | None,
    typer.Option("--version", help="Versjonen du så; feiler hvis noen andre har endret oppgjøret."),
]
User = Annotated[
    str | None, typer.Option("--user", envvar="OPPGJOR_USER", help="Hvem som gjør endringen.")
]


def _actor(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except OSError:
        return "ukjent"


def _date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise UseCaseError(f"«{value}» er ikke en dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ).") from None


def _type(value: str) -> SettlementType:
    try:
        return TYPES[value.lower()]
    except KeyError:
        raise UseCaseError(f"Ukjent oppgjørstype «{value}»; velg fbv eller bkm.") from None


def _numbers(values: list[str] | None) -> list[int]:
    result = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise UseCaseError(f"«{part}» er ikke et regningsnummer.")
            result.append(int(part))
    return result


def settlement_dict(s: Settlement) -> dict[str, Any]:
    return {
        "id": s.id,
        "type": s.type.value,
        "date": s.date.isoformat(),
        "state": s.state.value,
        "status": s.label,
        "version": s.version,
        "total": str(s.total),
        "count": s.count,
        "control_blocking": s.control_blocking,
        "controlled": s.control_version == s.version,
        "payout_amount": None if s.payout_amount is None else str(s.payout_amount),
        "transport_ref": s.transport_ref,
        "corrects": s.corrects_id,
    }


def claim_dict(c: Claim) -> dict[str, Any]:
    x = c.content
    return {
        "number": c.number,
        "guid": c.guid,
        "kind": c.kind.value,
        "status": c.status,
        "type": x.type.value,
        "patient": x.patient_ref,
        "practitioner": x.practitioner_ref,
        "series": x.series_ref,
        "appointment": c.appointment_ref,
        "time": x.service_time.isoformat(),
        "expires": calendar.claim_expiry(x.service_date).isoformat(),
        "tariffs": [f"{line.code}x{line.quantity}" for line in x.lines],
        "diagnosis": x.diagnosis_code,
        "copayment_reason": x.copayment_reason,
        "refund": str(c.amount),
        "copayment": str(x.copayment),
        "outcome_code": c.outcome_code,
        "outcome_text": c.outcome_text,
        "settlement": c.settlement_id,
    }


def _print_settlement(s: Settlement, as_json: bool) -> None:
    if as_json:
        print_json(settlement_dict(s))
        return
    controlled = ""
    if s.state is SettlementState.DRAFT:
        ok = s.control_version == s.version
        controlled = ", kontrollert" if ok else ", ikke kontrollert"
    out.print(
        f"Oppgjør [bold]{s.id}[/] {s.type.value} {s.date:%d.%m.%Y}: [bold]{s.label}[/], "
        f"{s.count} regninger, {format_nok(s.total)} kr (versjon {s.version}{controlled})"
    )


def _claims_table(claims: list[Claim], title: str) -> Table:
    table = Table(title=f"{title} ({len(claims)})")
    for column in ("nr", "status", "tid", "pasient", "behandler", "serie", "takster", "refusjon"):
        table.add_column(column)
    for c in claims:
        x = c.content
        table.add_row(
            str(c.number) + (" (kred.)" if c.kind.value == "credit" else ""),
            c.status,
            f"{x.service_time:%d.%m.%Y %H:%M}",
            x.patient_ref,
            x.practitioner_ref,
            x.series_ref or "",
            " ".join(line.code for line in x.lines),
            format_nok(c.amount),
        )
    return table


# -- settlement ------------------------------------------------------------------------------


@settlement_app.command("new", help="Nytt utkast (Til behandling) av en oppgjørstype.")
def new(
    type_: Annotated[str, typer.Option("--type", help="fbv (NPR BKM FBV) eller bkm.")],
    date: Annotated[str | None, typer.Option(help="Oppgjørsdato (standard i dag).")] = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        s = st.new(database(), _type(type_), date=_date(date), actor=_actor(user))
        _print_settlement(s, as_json)


@settlement_app.command("list", help="Oppgjør per fane: draft, submitted, booked.")
def list_(
    tab: Annotated[str | None, typer.Option(help="draft, submitted eller booked.")] = None,
    state: Annotated[
        str | None,
        typer.Option(help="Bare én tilstand, f.eks. submitted: innsendt, men ikke sendt ennå."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = views.settlements(database(), tab)
        if state:
            found = [s for s in found if s.state.value == state]
        if as_json:
            print_json([settlement_dict(s) for s in found])
            return
        table = Table(title=f"Oppgjør ({len(found)})")
        for column in ("id", "type", "dato", "status", "antall", "sum", "versjon", "blokkerende"):
            table.add_column(column)
        for s in found:
            table.add_row(
                str(s.id), s.type.value, f"{s.date:%d.%m.%Y}", s.label, str(s.count),
                format_nok(s.total), str(s.version),
                "" if s.control_blocking is None else str(s.control_blocking),
            )  # fmt: skip
        out.print(table)


@settlement_app.command("show", help="Et oppgjør med regninger, funn og historikk.")
def show(
    settlement_id: Id,
    limit: Annotated[int, typer.Option(help="Vis høyst så mange regninger.")] = 50,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        d = views.detail(database(), settlement_id)
        if as_json:
            print_json(
                {
                    **settlement_dict(d.settlement),
                    "claims": [
                        {
                            **claim_dict(c),
                            "findings": [f.as_dict() for f in d.findings.get(c.id, [])],
                        }
                        for c in d.claims
                    ],
                    "settlement_findings": [f.as_dict() for f in d.findings.get(None, [])],
                    "findings_current": d.findings_current,
                    "copayment_registrations": [
                        {
                            "claim": r.claim_number,
                            "paid_on": r.paid_on.isoformat(),
                            "correction": r.correction,
                        }
                        for r in d.registrations
                    ],
                    "events": [
                        {
                            "at": e.at.isoformat(),
                            "actor": e.actor,
                            "action": e.action,
                            "before": e.before,
                            "after": e.after,
                            "detail": e.detail,
                        }
                        for e in d.events
                    ],
                }
            )
            return
        _print_settlement(d.settlement, False)
        out.print(_claims_table(d.claims[:limit], "Regninger"))
        findings = [f for fs in d.findings.values() for f in fs]
        if findings and not d.findings_current:
            out.print("[yellow]Funnene er fra en eldre versjon; kjør kontroll på nytt.[/]")
        print_findings(findings[:limit])
        if d.registrations:
            out.print(f"Betalte egenandeler med: {len(d.registrations)}")
        events = Table(title="Historikk")
        for column in ("når", "hvem", "hva", "fra", "til", "detaljer"):
            events.add_column(column)
        for e in d.events:
            events.add_row(
                f"{e.at:%d.%m.%Y %H:%M}", e.actor, e.action, e.before or "", e.after or "", e.detail
            )
        out.print(events)


@settlement_app.command("mark", help="Markér regninger: periode, alle/ingen eller enkeltregninger.")
def mark(
    settlement_id: Id,
    all_: Annotated[bool, typer.Option("--all", help="Alle regninger som venter.")] = False,
    none: Annotated[bool, typer.Option("--none", help="Fjern alle regninger.")] = False,
    from_: Annotated[str | None, typer.Option("--from", help="Periode fra (dato).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Periode til (dato).")] = None,
    add: Annotated[list[str] | None, typer.Option("--add", help="Regningsnumre å ta med.")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Regningsnumre å ta ut.")
    ] = None,
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        if (from_ is None) != (to is None):
            raise UseCaseError("Oppgi både --from og --to for en periode.")
        first, last = _date(from_), _date(to)
        period = (first, last) if first and last else None
        selection = st.Selection(all_, none, period, _numbers(add), _numbers(remove))
        s = st.mark(database(), settlement_id, selection, expected=version, actor=_actor(user))
        _print_settlement(s, as_json)


@settlement_app.command("date", help="Endre oppgjørsdato.")
def change_date(
    settlement_id: Id,
    date: Annotated[str, typer.Argument(help="Ny dato.")],
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        day = _date(date)
        assert day is not None
        s = st.change_date(database(), settlement_id, day, expected=version, actor=_actor(user))
        _print_settlement(s, as_json)


@settlement_app.command("control", help="Kontrollér utkastet; funnene lagres med versjonen.")
def control(
    settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
) -> None:
    with handled(as_json):
        report = st.control(database(), settlement_id, expected=version, actor=_actor(user))
        if as_json:
            print_json(
                {
                    **settlement_dict(report.settlement),
                    "blocking": report.blocking,
                    "warnings": report.warnings,
                    "findings": [{**f.as_dict(), "claim_id": cid} for cid, f in report.findings],
                }
            )
            return
        print_findings([f for _, f in report.findings][:100])
        _print_settlement(report.settlement, False)
        style = SEVERITY_STYLE["BLOCKING"] if report.blocking else "green"
        out.print(f"[{style}]{report.blocking} blokkerende[/], {report.warnings} advarsler.")
        if report.blocking:
            out.print(f"Rett funnene, eller: oppgjor settlement move-blocked {settlement_id}")


def _simple(action: Any, help_text: str, name: str) -> None:
    @settlement_app.command(name, help=help_text)
    def command(
        settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
    ) -> None:
        with handled(as_json):
            s = action(database(), settlement_id, expected=version, actor=_actor(user))
            _print_settlement(s, as_json)


_simple(st.submit, "Send inn: lås et kontrollert utkast uten blokkerende funn.", "submit")
_simple(st.unlock, "Lås opp (Markér som ikke innsendt), mulig til oppgjøret er sendt.", "unlock")


@settlement_app.command("move-blocked", help="Flytt regninger med blokkerende funn ut av utkastet.")
def move_blocked(
    settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
) -> None:
    with handled(as_json):
        s, moved = st.move_blocked_out(
            database(), settlement_id, expected=version, actor=_actor(user)
        )
        if as_json:
            print_json({**settlement_dict(s), "moved": moved})
            return
        out.print(f"Flyttet ut {len(moved)} regninger; de venter på neste oppgjør.")
        _print_settlement(s, False)


@settlement_app.command("delete", help="Slett et utkast; regningene venter igjen, urørt.")
def delete(
    settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
) -> None:
    with handled(as_json):
        st.delete(database(), settlement_id, expected=version, actor=_actor(user))
        if as_json:
            print_json({"deleted": settlement_id})
        else:
            out.print(f"Oppgjør {settlement_id} er slettet; regningene venter på neste oppgjør.")


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
            database(), settlement_id, ManualTransport(ref), expected=version, actor=_actor(user)
        )
        _print_settlement(s, as_json)


def _reasons(values: list[str] | None) -> dict[int, tuple[str, str]]:
    result = {}
    for value in values or []:
        number, _, rest = value.partition(":")
        code, _, text = rest.partition(":")
        if not number.strip().isdigit() or not code:
            raise UseCaseError(f"«{value}» må ha formen REGNINGSNR:KODE[:TEKST].")
        result[int(number)] = (code.strip(), text.strip())
    return result


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
            database(), settlement_id, _reasons(rejected), whole_rejected=whole,
            expected=version, actor=_actor(user),
        )  # fmt: skip
        _print_settlement(s, as_json)


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
        numbers = _numbers(claims) or None
        old, fresh = st.correct_rejected(
            database(), settlement_id, numbers, expected=version, actor=_actor(user)
        )
        if as_json:
            print_json({"old": settlement_dict(old), "new": settlement_dict(fresh)})
            return
        _print_settlement(old, False)
        _print_settlement(fresh, False)
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
        day = _date(date)
        assert day is not None
        s = st.pay(database(), settlement_id, value, day, expected=version, actor=_actor(user))
        _print_settlement(s, as_json)


def _write_lines(lines: list[st.BookingLine], output: Path | None) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["dato", "konto", "belop", "oppgjor", "regning", "tekst"])
    for x in lines:
        writer.writerow(
            [
                x.date.isoformat(),
                x.account,
                str(x.amount),
                x.settlement_id,
                x.claim_number or "",
                x.text,
            ]
        )
    if output is None:
        sys.stdout.write(buffer.getvalue())
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, output)


@settlement_app.command("book", help="Bokfør et utbetalt oppgjør og skriv posteringene (CSV).")
def book(
    settlement_id: Id,
    output: Annotated[Path | None, typer.Option(help="CSV-fil for regnskapet.")] = None,
    version: Version = None,
    user: User = None,
) -> None:
    with handled():
        _, lines = st.book(database(), settlement_id, expected=version, actor=_actor(user))
        _write_lines(lines, output)


@settlement_app.command("export", help="Posteringene til et bokført oppgjør (CSV).")
def export(
    settlement_id: Id,
    output: Annotated[Path | None, typer.Option(help="CSV-fil (standard: skjerm).")] = None,
) -> None:
    with handled():
        _write_lines(st.accounting(database(), settlement_id), output)


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
        table = Table(title="Utbetalinger")
        for column in ("oppgjør", "status", "godkjent", "avviste", "utbetalt", "avvik"):
            table.add_column(column)
        for r in rows:
            table.add_row(
                str(r.settlement.id), r.settlement.label, format_nok(r.expected), str(r.rejected),
                "" if r.paid is None else format_nok(r.paid),
                "" if not r.difference else f"[red]{format_nok(r.difference)}[/]",
            )  # fmt: skip
        out.print(table)


# -- claims ----------------------------------------------------------------------------------


@claim_app.command("waiting", help="Regninger som venter på et oppgjør.")
def waiting(
    type_: Annotated[str | None, typer.Option("--type", help="fbv eller bkm.")] = None,
    limit: Annotated[int, typer.Option(help="Vis høyst så mange.")] = 50,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = st.waiting(database(), _type(type_) if type_ else None)
        if as_json:
            print_json([claim_dict(c) for c in found])
            return
        out.print(_claims_table(found[:limit], "Venter på oppgjør"))
        total = sum((c.amount for c in found), Decimal(0))
        out.print(f"{len(found)} regninger, {format_nok(total)} kr.")


@claim_app.command("show", help="Én regning.")
def show_claim(
    number: Annotated[int, typer.Argument(help="Regningsnummer.")], as_json: JsonOption = False
) -> None:
    with handled(as_json):
        found = views.claims_of(database(), [number])
        if not found:
            raise UseCaseError(f"Regning {number} finnes ikke.")
        if as_json:
            print_json([claim_dict(c) for c in found])
            return
        out.print(_claims_table(found, f"Regning {number}"))
        for c in found:
            if c.outcome_code:
                out.print(f"Avvist: {c.outcome_code} {c.outcome_text or ''}")


@claim_app.command("credit", help="Krediter en godkjent regning (hele regningen, negativt beløp).")
def credit(
    number: Annotated[int, typer.Argument(help="Regningsnummer.")], as_json: JsonOption = False
) -> None:
    with handled(as_json):
        c = claim_actions.credit(database(), number, datetime.datetime.now().replace(microsecond=0))
        if as_json:
            print_json(claim_dict(c))
            return
        out.print(
            f"Kreditering av regning {number} ({format_nok(c.amount)} kr) venter på neste oppgjør. "
            "Når Helfo har godkjent den, kan en rettet regning sendes."
        )


@claim_app.command("copayment-paid", help="Pasienten har betalt egenandelen.")
def copayment_paid(
    number: Annotated[int, typer.Argument(help="Regningsnummer.")],
    date: Annotated[str | None, typer.Option(help="Betalingsdato (standard i dag).")] = None,
) -> None:
    with handled():
        now = datetime.datetime.now().replace(microsecond=0)
        message = claim_actions.copayment_paid(database(), number, _date(date) or now.date(), now)
        out.print(message)


@claim_app.command("copayments", help="Betalte egenandeler som ikke er meldt til Helfo.")
def copayments(as_json: JsonOption = False) -> None:
    with handled(as_json):
        found = views.unsent_registrations(database(), datetime.date.today())
        rows: list[dict[str, Any]] = [
            {"claim": v.registration.claim_number, "paid_on": v.registration.paid_on.isoformat(),
             "correction": v.registration.correction, "overdue": v.overdue}
            for v in found
        ]  # fmt: skip
        if as_json:
            print_json(rows)
            return
        table = Table(title=f"Ikke meldte egenandeler ({len(rows)})")
        for column in ("regning", "betalt", "korrigering", "forfalt"):
            table.add_column(column)
        for r in rows:
            late = "[red]over 14 dager[/]" if r["overdue"] else ""
            table.add_row(str(r["claim"]), r["paid_on"], "ja" if r["correction"] else "", late)
        out.print(table)


@claim_app.command(
    "expiring", help="Regninger som snart foreldes (6 måneder etter behandlingsmåneden)."
)
def expiring(
    days: Annotated[int, typer.Option(help="Innen så mange dager.")] = 30,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = views.expiring(database(), datetime.date.today(), days)
        if as_json:
            print_json(
                [
                    {
                        **claim_dict(x.claim),
                        "expires": x.expires.isoformat(),
                        "days_left": x.days_left,
                    }
                    for x in found
                ]
            )
            return
        table = Table(title=f"Foreldes innen {days} dager ({len(found)})")
        for column in ("nr", "behandlet", "frist", "dager igjen", "status"):
            table.add_column(column)
        for x in found:
            table.add_row(
                str(x.claim.number), f"{x.claim.content.service_date:%d.%m.%Y}",
                f"{x.expires:%d.%m.%Y}", str(x.days_left), x.claim.status,
            )  # fmt: skip
        out.print(table)


@claim_app.command("outstanding", help="Sendte regninger som ikke er utbetalt, etter alder.")
def outstanding(as_json: JsonOption = False) -> None:
    with handled(as_json):
        buckets = views.outstanding(database(), datetime.date.today())
        if as_json:
            print_json(
                [{"age": b.label, "count": b.count, "amount": str(b.amount)} for b in buckets]
            )
            return
        table = Table(title="Utestående hos Helfo")
        for column in ("alder", "antall", "beløp"):
            table.add_column(column)
        for b in buckets:
            table.add_row(b.label, str(b.count), format_nok(b.amount))
        out.print(table)


@claim_app.command("rejections", help="Avvisningsrate per årsak.")
def rejections(as_json: JsonOption = False) -> None:
    with handled(as_json):
        answered, reasons = views.rejections(database())
        if as_json:
            print_json({"answered": answered, "reasons": [r.__dict__ for r in reasons]})
            return
        table = Table(title=f"Avviste regninger av {answered} besvarte")
        for column in ("kode", "årsak", "antall", "andel"):
            table.add_column(column)
        for r in reasons:
            table.add_row(r.code, r.text, str(r.count), f"{r.share:.1%}")
        out.print(table)


# -- calendar -------------------------------------------------------------------------------


@helfo_app.command("calendar", help="Neste innsendingsdag, vedtaksdag og fridager.")
def helfo_calendar(
    date: Annotated[str | None, typer.Option(help="Fra dato (standard i dag).")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        view = views.helfo_calendar(_date(date) or datetime.date.today())
        if as_json:
            print_json(view.__dict__)
            return
        out.print(f"Neste anbefalte innsending: [bold]{view.next_submission:%d.%m.%Y}[/]")
        out.print(f"Helfo fatter vedtak: [bold]{view.next_decision:%d.%m.%Y}[/]")
        out.print(
            "Anbefalte innsendingsdager: " + ", ".join(f"{d:%d.%m.%Y}" for d in view.submissions)
        )
        for day, name in view.holidays:
            out.print(f"  fridag {day:%d.%m.%Y} {name}")


# -- messages to and from Helfo (issue 4) -----------------------------------------------------


@helfo_app.command("settings", help="Meldingsmapper, virksomhetssertifikat og Helfos id-er.")
def settings(
    folder: Annotated[
        str | None, typer.Option(help="Felles mappe for utboks/innboks/arkiv/karantene.")
    ] = None,
    outbox: Annotated[str | None, typer.Option(help="Utboks (meldingstjenerens Outbox).")] = None,
    inbox: Annotated[str | None, typer.Option(help="Innboks (meldingstjenerens Inbox).")] = None,
    archive: Annotated[str | None, typer.Option(help="Arkiv for leste kvitteringer.")] = None,
    quarantine: Annotated[
        str | None, typer.Option(help="Karantene for filer som ikke kan brukes.")
    ] = None,
    certificate: Annotated[
        str | None, typer.Option(help="PKCS#12-fil med virksomhetssertifikatet.")
    ] = None,
    password_file: Annotated[
        str | None, typer.Option(help="Fil (chmod 600) med sertifikatpassordet.")
    ] = None,
    message_type: Annotated[str | None, typer.Option(help="POM eller LOM.")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        values = dict(
            folder=folder, outbox=outbox, inbox=inbox, archive=archive, quarantine=quarantine,
            certificate=certificate, password_file=password_file, message_type=message_type,
        )  # fmt: skip
        found = hx.set_settings(database(), **values)
        gaps = hx.missing(database())
        if as_json:
            print_json({"settings": found, "missing": gaps})
            return
        for key, value in found.items():
            out.print(f"  {key:<14} {value or ''}")
        if gaps:
            out.print("[yellow]Mangler:[/] " + "; ".join(gaps))


def _secret(ask: bool) -> str | None:
    if ask:
        return str(typer.prompt("Sertifikatpassord", hide_input=True))
    return None


@helfo_app.command("send", help="Lag fil til innsending: signert BKM i utboksen.")
def send_file(
    settlement_id: Id,
    resend: Annotated[
        bool, typer.Option("--resend", help="Send et sendt oppgjør på nytt.")
    ] = False,
    ask_password: Annotated[
        bool, typer.Option("--ask-password", help="Spør etter sertifikatpassordet.")
    ] = False,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        result = hx.create_file(
            database(), settlement_id, secret=_secret(ask_password), resend=resend,
            actor=_actor(user),
        )  # fmt: skip
        if as_json:
            print_json({**settlement_dict(result.settlement), "file": result.path,
                        "msg_id": result.msg_id, "warning": result.warning})  # fmt: skip
            return
        if result.warning:
            out.print(f"[yellow]{result.warning}[/]")
        out.print(f"Signert fil lagt i utboksen: {result.path}")
        _print_settlement(result.settlement, False)


@helfo_app.command("portal-file", help="Uten Norsk Helsenett: fil for opplasting i Helfos portal.")
def portal(
    settlement_id: Id,
    output: Annotated[Path, typer.Option(help="Filen som skal lastes opp.")],
    ask_password: Annotated[
        bool, typer.Option("--ask-password", help="Spør etter sertifikatpassordet.")
    ] = False,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        result = hx.portal_file(
            database(), settlement_id, output, secret=_secret(ask_password), actor=_actor(user)
        )
        if as_json:
            print_json({**settlement_dict(result.settlement), "file": result.path})
            return
        out.print(f"Fil til Helfos portal: {result.path}. Oppgjøret er registrert som sendt.")


@helfo_app.command("inbox", help="Les kvitteringer (AppRec) fra innboksen, én gang eller løpende.")
def inbox(
    watch: Annotated[bool, typer.Option("--watch", help="Fortsett å lytte.")] = False,
    interval: Annotated[float, typer.Option(help="Sekunder mellom hver runde.")] = 10.0,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        while True:
            report = hx.read_inbox(database(), actor=_actor(user))
            if as_json:
                print_json({"applied": report.applied, "quarantined": report.quarantined})
            else:
                for name, sid, status in report.applied:
                    out.print(f"Kvittering {name}: oppgjør {sid}, status {status}")
                for name, reason in report.quarantined:
                    out.print(f"[red]Karantene[/] {name}: {reason}")
                if not watch and not (report.applied or report.quarantined):
                    out.print("Ingen nye kvitteringer.")
            if not watch:
                return
            time.sleep(interval)


@helfo_app.command(
    "simulate-receipt", help="Testinstallasjon: legg en simulert kvittering i innboksen."
)
def simulate(
    settlement_id: Id,
    rejected: Annotated[
        list[str] | None, typer.Option("--rejected", help="REGNINGSNR:KODE[:TEKST], gjentas.")
    ] = None,
) -> None:
    with handled():
        path = hx.simulate_receipt(database(), settlement_id, _reasons(rejected))
        out.print(f"Simulert kvittering lagt i innboksen: {path}")


@helfo_app.command("kuhr-settings", help="KUHR Krav API: adresse og Maskinporten-klient.")
def kuhr_settings(
    url: Annotated[str | None, typer.Option(help="dev, prod eller en https-adresse.")] = None,
    token_url: Annotated[str | None, typer.Option(help="Maskinportens token-adresse.")] = None,
    audience: Annotated[str | None, typer.Option(help="Maskinportens audience.")] = None,
    client_id: Annotated[str | None, typer.Option(help="Maskinporten-klientens id.")] = None,
    key_file: Annotated[str | None, typer.Option(help="Klientens private nøkkel (PEM).")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = kuhr_app.set_settings(
            database(), url=url, maskinporten_token_url=token_url, maskinporten_audience=audience,
            maskinporten_client_id=client_id, maskinporten_key=key_file,
        )  # fmt: skip
        if as_json:
            print_json(found)
            return
        for key, value in found.items():
            out.print(f"  {key:<24} {value or ''}")


@helfo_app.command("kuhr-send", help="Send et innsendt oppgjør til KUHR Krav API (JWE).")
def kuhr_send(settlement_id: Id, user: User = None, as_json: JsonOption = False) -> None:
    with handled(as_json):
        s = kuhr_app.send(
            database(), settlement_id, kuhr_app.client(database()), actor=_actor(user)
        )
        _print_settlement(s, as_json)


@helfo_app.command("kuhr-status", help="Hent status fra KUHR og oppdater regninger og utbetaling.")
def kuhr_status(settlement_id: Id, user: User = None, as_json: JsonOption = False) -> None:
    with handled(as_json):
        result = kuhr_app.poll(
            database(), settlement_id, kuhr_app.client(database()), actor=_actor(user)
        )
        x = result.status
        if as_json:
            print_json({**settlement_dict(result.settlement), "meldingsstatus": x.message_status,
                        "kontrollstatus": x.control_status, "utbetalingsstatus": x.payout_status,
                        "applied": result.applied})  # fmt: skip
            return
        out.print(f"KUHR: {x.message_status} / {x.control_status} / {x.payout_status}")
        for line in result.applied:
            out.print(f"  {line}")
        _print_settlement(result.settlement, False)
