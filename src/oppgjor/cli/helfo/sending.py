"""CLI: the `helfo` command group (calendar, files, inbox, portal, KUHR API)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from oppgjor.app.helfo import exchange as hx
from oppgjor.app.helfo import inbox as inbox_app
from oppgjor.app.helfo import kuhr as kuhr_app
from oppgjor.app.helfo import verification, views
from oppgjor.cli.common import REJECTED, JsonOption, database, handled, now
from oppgjor.cli.helfo.common import (
    Id,
    User,
    actor_name,
    day_option,
    helfo_app,
    print_settlement,
    rejection_reasons,
    settlement_dict,
)
from oppgjor.cli.render import err, out, print_json
from oppgjor.store import StoreBusy

# -- calendar -------------------------------------------------------------------------------


@helfo_app.command("calendar", help="Neste innsendingsdag, vedtaksdag og fridager.")
def helfo_calendar(
    date: Annotated[str | None, typer.Option(help="Fra dato (standard i dag).")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        view = views.helfo_calendar(day_option(date) or now().date())
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
    ask_password: Annotated[
        bool,
        typer.Option("--ask-password", help="Spør etter passordet (sertifikatet kontrolleres)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        values = dict(
            folder=folder, outbox=outbox, inbox=inbox, archive=archive, quarantine=quarantine,
            certificate=certificate, password_file=password_file, message_type=message_type,
        )  # fmt: skip
        found = hx.set_settings(database(), secret=_secret(ask_password), **values)
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
            actor=actor_name(user), now=now(),
        )  # fmt: skip
        if as_json:
            print_json({**settlement_dict(result.settlement), "file": result.path,
                        "msg_id": result.msg_id, "warning": result.warning})  # fmt: skip
            return
        if result.warning:
            out.print(f"[yellow]{result.warning}[/]")
        out.print(f"Signert fil lagt i utboksen: {result.path}")
        print_settlement(result.settlement, False)


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
            database(),
            settlement_id,
            output,
            secret=_secret(ask_password),
            actor=actor_name(user),
            now=now(),
        )
        if as_json:
            print_json({**settlement_dict(result.settlement), "file": result.path})
            return
        out.print(f"Fil til Helfos portal: {result.path}. Oppgjøret er registrert som sendt.")


@helfo_app.command("verify", help="Sjekk signaturen på en melding, som mottakeren ville gjort.")
def verify(
    file: Annotated[Path, typer.Argument(help="Meldingen (f.eks. en fil i utboksen).")],
    certificate: Annotated[
        Path | None,
        typer.Option(help="Sertifikatet signaturen skal være laget med (PEM, DER eller .p12)."),
    ] = None,
    ask_password: Annotated[
        bool, typer.Option("--ask-password", help="Spør etter passordet til en .p12-fil.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        result = verification.verify_file(
            database(), file, certificate=certificate, secret=_secret(ask_password), now=now()
        )
        if as_json:
            print_json(_verification_dict(result))
        else:
            _print_verification(result)
    if not result.valid:
        raise typer.Exit(REJECTED)


def _verification_dict(result: verification.Verification) -> dict[str, object]:
    signer = result.signer
    return {
        "file": result.file, "valid": result.valid, "problem": result.problem,
        "checked_against": result.checked_against,
        "signer": None if signer is None else {
            "org_nr": signer.org_nr, "name": signer.name, "subject": signer.subject,
            "not_after": signer.not_after.isoformat(),
        },
    }  # fmt: skip


def _print_verification(result: verification.Verification) -> None:
    signer = result.signer
    who = "ukjent" if signer is None else f"{signer.name}, org.nr {signer.org_nr or 'ukjent'}"
    if result.valid:
        out.print(f"[green]Signaturen holder[/] for {result.file}.")
        out.print(f"  Signert av: {who}")
    else:
        out.print(f"[bold red]Signaturen holder ikke[/] for {result.file}: {result.problem}")
        out.print(f"  Meldingen oppgir å være signert av: {who}")
    if signer is not None:
        out.print(f"  Sertifikat: {signer.subject}, gyldig til {signer.not_after:%d.%m.%Y}")
    if result.checked_against:
        out.print(f"  Sjekket mot: {result.checked_against}")
    else:
        out.print(
            "[yellow]  Ikke sjekket mot praksisens sertifikat (ingen er satt opp): signaturen"
            " viser at meldingen er uendret, ikke hvem som signerte. Bruk --certificate.[/]"
        )


@helfo_app.command("inbox", help="Les kvitteringer (AppRec) fra innboksen, én gang eller løpende.")
def inbox(
    watch: Annotated[bool, typer.Option("--watch", help="Fortsett å lytte.")] = False,
    interval: Annotated[float, typer.Option(help="Sekunder mellom hver runde.")] = 10.0,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        while True:
            try:
                report = inbox_app.read_inbox(database(), actor=actor_name(user), now=now())
            except StoreBusy as exc:
                if not watch:
                    raise
                err.print(f"[yellow]{exc}[/] Kvitteringene venter til neste runde.")
                time.sleep(interval)
                continue
            if as_json:
                print_json({"applied": report.applied, "quarantined": report.quarantined,
                            "already_applied": report.already_applied,
                            "findings": [f.as_dict() for f in report.findings]})  # fmt: skip
            else:
                _print_inbox(report, watch)
            if not watch:
                return
            time.sleep(interval)


def _print_inbox(report: inbox_app.InboxReport, watch: bool) -> None:
    for name, sid, status in report.applied:
        out.print(f"Kvittering {name}: oppgjør {sid}, status {status}")
    for name, done in report.already_applied:
        out.print(f"Kvittering {name}: var allerede brukt på oppgjør {done}; nå arkivert")
    for f in report.findings:
        if not f.blocking:
            out.print(f"[yellow]Advarsel[/] {f.location}: {f.message}")
    for name, reason in report.quarantined:
        out.print(f"[red]Karantene[/] {name}: {reason}")
    if not watch and not (report.applied or report.quarantined or report.already_applied):
        out.print("Ingen nye kvitteringer.")


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
        path = inbox_app.simulate_receipt(
            database(), settlement_id, rejection_reasons(rejected), now=now()
        )
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
            database(),
            settlement_id,
            kuhr_app.client(database()),
            actor=actor_name(user),
            now=now(),
        )
        print_settlement(s, as_json)


@helfo_app.command("kuhr-status", help="Hent status fra KUHR og oppdater regninger og utbetaling.")
def kuhr_status(settlement_id: Id, user: User = None, as_json: JsonOption = False) -> None:
    with handled(as_json):
        result = kuhr_app.poll(
            database(),
            settlement_id,
            kuhr_app.client(database()),
            actor=actor_name(user),
            now=now(),
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
        print_settlement(result.settlement, False)
