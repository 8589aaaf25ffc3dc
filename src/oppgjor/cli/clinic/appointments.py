"""The appointment's life on the command line: update, attended / no-show / cancel /
planned, delete, and ``list`` with filters and pages (Norwegian help and messages)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape

from oppgjor.app.clinic import appointments
from oppgjor.app.clinic.appointments import Changed
from oppgjor.cli.common import USAGE, JsonOption, database, handled, now
from oppgjor.cli.helfo.common import User, actor_name
from oppgjor.cli.render import (
    err,
    out,
    print_changes,
    print_findings,
    print_json,
    print_rows,
    row_of,
)
from oppgjor.clinic.adapters.rows import parse_date
from oppgjor.clinic.domain.model import STATUS_WORDS, AppointmentStatus
from oppgjor.store.appointments import AppointmentFilter

Opt = typer.Option
Ref = Annotated[str, typer.Argument(help="Avtalens nøkkel (ref), eller #id for en avtale uten.")]

STATUS_LABELS = {
    AppointmentStatus.PLANNED: "planlagt",
    AppointmentStatus.ATTENDED: "møtt",
    AppointmentStatus.NO_SHOW: "ikke møtt",
    AppointmentStatus.CANCELLED: "avlyst",
}
LIST_COLUMNS = ("ref", "practitioner_ref", "patient_ref", "start", "lines", "status")


def _usage(message: str, as_json: bool) -> NoReturn:
    """A usage error (exit 2) in Norwegian."""
    if as_json:
        print_json({"error": message})
    else:
        err.print(f"[bold red]Feil:[/] {message}", highlight=False)
    raise typer.Exit(USAGE)


def report(changed: Changed, as_json: bool, label: str) -> None:
    """What a change did: the fields, the warnings, what happened to the claim."""
    if as_json:
        print_json(changed.as_dict())
        return
    print_findings(changed.findings)
    print_changes(label, changed.changes)
    for note in changed.claims:
        out.print(note, highlight=False)


def _statuses(value: str | None, as_json: bool) -> tuple[AppointmentStatus, ...]:
    if value is None:
        return ()
    found = []
    for word in (w.strip().lower() for w in value.split(",")):
        if word not in STATUS_WORDS:
            allowed = (
                "planlagt, møtt, ikke-møtt, avlyst (eller planned, attended, no_show, cancelled)"
            )
            _usage(f"Ukjent status «{word}»; bruk {allowed}.", as_json)
        found.append(STATUS_WORDS[word])
    return tuple(found)


def _day(value: str | None, option: str, as_json: bool) -> datetime.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        _usage(f"{option} «{value}» er ikke en dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ).", as_json)


def _filter(
    patient: str | None,
    practitioner: str | None,
    from_: str | None,
    to: str | None,
    status: str | None,
    as_json: bool,
) -> AppointmentFilter:
    first, last = _day(from_, "--from", as_json), _day(to, "--to", as_json)
    if first and last and first > last:
        _usage(f"--from {first:%d.%m.%Y} er etter --to {last:%d.%m.%Y}.", as_json)
    return AppointmentFilter(
        patient_ref=patient,
        practitioner_ref=practitioner,
        start=datetime.datetime.combine(first, datetime.time()) if first else None,
        end=datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
        if last
        else None,
        statuses=_statuses(status, as_json),
    )


def _row(a: Any) -> dict[str, str]:
    return {**row_of("appointments", a), "ref": appointments.key_of(a)}


def register(group: typer.Typer) -> None:
    """Attach the appointment's own commands to its group."""

    @group.command(
        "update",
        help="Endre en avtale: bare feltene du oppgir. Flyttes starten, beholdes lengden. "
        "Er regningen sendt inn, endres ingenting (krediter eller rett den først).",
    )
    def update_(
        ref: Ref,
        start: Annotated[str | None, Opt(help="Ny start (ÅÅÅÅ-MM-DD TT:MM).")] = None,
        end: Annotated[str | None, Opt(help="Ny slutt (ÅÅÅÅ-MM-DD TT:MM).")] = None,
        duration: Annotated[
            str | None, Opt(help="Varighet i minutter (i stedet for --end).")
        ] = None,
        practitioner_ref: Annotated[str | None, Opt(help="Behandler.")] = None,
        patient_ref: Annotated[str | None, Opt(help="Pasient.")] = None,
        lines: Annotated[str | None, Opt(help="Takster, f.eks. «FBV01» eller «A2a*2;LE2».")] = None,
        series_ref: Annotated[str | None, Opt(help="Serie (tom verdi: ingen serie).")] = None,
        refund_type: Annotated[str | None, Opt(help="Refusjonstype (tom: ingen).")] = None,
        user: User = None,
        as_json: JsonOption = False,
    ) -> None:
        given = {
            "start": start, "end": end, "duration": duration,
            "practitioner_ref": practitioner_ref, "patient_ref": patient_ref, "lines": lines,
            "series_ref": series_ref, "refund_type": refund_type,
        }  # fmt: skip
        changes = {k: v for k, v in given.items() if v is not None}
        with handled(as_json):
            if not changes:
                _usage("Oppgi minst ett felt som skal endres (f.eks. --start).", as_json)
            changed = appointments.update(
                database(), ref, changes, actor=actor_name(user), now=now()
            )
            report(changed, as_json, f"avtale {escape(ref)}")

    for name, status, text in (
        ("attended", AppointmentStatus.ATTENDED, "Merk avtalen som møtt; regningen lages."),
        ("no-show", AppointmentStatus.NO_SHOW, "Merk avtalen som ikke møtt."),
        ("cancel", AppointmentStatus.CANCELLED, "Avlys avtalen."),
        ("planned", AppointmentStatus.PLANNED, "Sett avtalen tilbake til planlagt."),
    ):
        _register_status(group, name, status, text)

    @group.command(
        "delete",
        help="Slett en avtale. Nektes hvis regningen er sendt inn til Helfo; en regning som "
        "ikke er sendt, slettes med avtalen.",
    )
    def delete_(ref: Ref, user: User = None, as_json: JsonOption = False) -> None:
        with handled(as_json):
            changed = appointments.delete(database(), ref, actor=actor_name(user), now=now())
            if as_json:
                print_json(changed.as_dict())
                return
            out.print(f"[green]Avtale {escape(ref)} er slettet.[/]", highlight=False)
            for note in changed.claims:
                out.print(note, highlight=False)

    @group.command("list", help="Vis avtaler, filtrert og en side om gangen.")
    def list_(
        patient: Annotated[str | None, Opt("--patient", help="Bare denne pasienten.")] = None,
        practitioner: Annotated[
            str | None, Opt("--practitioner", help="Bare denne behandleren.")
        ] = None,
        from_: Annotated[str | None, Opt("--from", help="Fra og med dato.")] = None,
        to: Annotated[str | None, Opt("--to", help="Til og med dato.")] = None,
        status: Annotated[
            str | None,
            Opt(help="planlagt, møtt, ikke-møtt, avlyst (flere med komma; engelsk går også)."),
        ] = None,
        limit: Annotated[int, Opt(min=0, help="Høyst så mange (0 = alle).")] = 50,
        offset: Annotated[int, Opt(min=0, help="Hopp over så mange (neste side).")] = 0,
        all_: Annotated[bool, Opt("--all", help="Vis alle som passer.")] = False,
        as_json: JsonOption = False,
    ) -> None:
        where = _filter(patient, practitioner, from_, to, status, as_json)
        with handled(as_json):
            wanted = None if all_ or limit == 0 else limit
            page = appointments.page(database(), where, limit=wanted, offset=offset)
            rows = [_row(a) for a in page.appointments]
            if as_json:
                print_json(
                    {"total": page.total, "offset": offset, "limit": wanted, "appointments": rows}
                )
                return
            _print_page(rows, page)


def _print_page(rows: list[dict[str, str]], page: appointments.Page) -> None:
    print_rows("appointments", rows, "Avtaler", total=page.total, offset=page.offset,
               columns=LIST_COLUMNS)  # fmt: skip
    last = page.offset + len(rows)
    if last < page.total:
        out.print(
            f"Neste side: --offset {last} (eller snevre inn med --from, --to, --status).",
            highlight=False,
        )


def _register_status(group: typer.Typer, name: str, status: AppointmentStatus, text: str) -> None:
    @group.command(name, help=text)
    def mark(ref: Ref, user: User = None, as_json: JsonOption = False) -> None:
        with handled(as_json):
            changed = appointments.mark(database(), ref, status, actor=actor_name(user), now=now())
            if as_json:
                print_json(changed.as_dict())
                return
            if not changed.changes:
                out.print(
                    f"Avtale {escape(ref)} er allerede {STATUS_LABELS[status]}.", highlight=False
                )
            else:
                out.print(
                    f"[green]Avtale {escape(ref)} er {STATUS_LABELS[status]}.[/]", highlight=False
                )
            print_findings(changed.findings)
            for note in changed.claims:
                out.print(note, highlight=False)
