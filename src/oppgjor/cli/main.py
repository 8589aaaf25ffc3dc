"""oppgjor — oppgjør for helseaktører. Entry point of the command line."""

from __future__ import annotations

from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import typer

from oppgjor.app import installation
from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import demo
from oppgjor.app.clinic.kinds import KINDS, RecordKind
from oppgjor.app.errors import NotFound
from oppgjor.app.helfo import booking
from oppgjor.app.helfo import demo as demo_helfo
from oppgjor.cli import access as access_commands
from oppgjor.cli import backup as backup_commands
from oppgjor.cli import history
from oppgjor.cli.clinic import appointments as appointment_commands
from oppgjor.cli.clinic import create, update
from oppgjor.cli.clinic import schedule as schedule_commands
from oppgjor.cli.clinic.records import add_record_commands
from oppgjor.cli.common import (
    GuardedGroup,
    JsonOption,
    database,
    handled,
    now,
    set_database_url,
)
from oppgjor.cli.helfo import claim as helfo_claims
from oppgjor.cli.helfo import outcome as helfo_outcome
from oppgjor.cli.helfo import sending as helfo_messages
from oppgjor.cli.helfo import settlement as helfo
from oppgjor.cli.helfo.common import claim_app, helfo_app, settlement_app
from oppgjor.cli.isf import isf_group
from oppgjor.cli.render import (
    count_line,
    format_count,
    out,
    print_json,
    print_records,
    row_of,
)
from oppgjor.clinic.adapters.rows import parse_date
from oppgjor.clinic.domain.model import Practice

app = typer.Typer(
    help="oppgjor: oppgjør med Helfo, forsikring og ISF for helseaktører.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=GuardedGroup,
)

# the commands of the registry's kinds that have no files, by the kind's name
EXTRA_COMMANDS = {"template": create.register_templates}
# kinds with files that have commands of their own besides the generic ones (and their own list)
OWN_COMMANDS = {"appointment": appointment_commands.register}


def _version(value: bool) -> None:
    if value:
        out.print(f"oppgjor {package_version('oppgjor')}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="Vis versjonen og avslutt.",
        ),
    ] = False,
    db_url: Annotated[
        str | None,
        typer.Option(
            "--database",
            envvar="OPPGJOR_DATABASE_URL",
            help="Database-URL (SQLite-fil som standard).",
        ),
    ] = None,
) -> None:
    set_database_url(db_url)


def _record_group(kind: RecordKind) -> typer.Typer:
    """A kind's commands: list/show/import/export and create for a kind with files, else its
    own (EXTRA_COMMANDS)."""
    group = typer.Typer(help=kind.help, no_args_is_help=True)
    if kind.rows is None:
        EXTRA_COMMANDS[kind.name](group)
    else:
        own = OWN_COMMANDS.get(kind.name)
        add_record_commands(group, kind.key, kind.title, listed=own is None)
        create.register(kind, group)
        update.register(kind, group)
        if own is not None:
            own(group)
    return group


# the kinds with files, the practice, then the other kinds (the order of `oppgjor --help`)
for kind in (k for k in KINDS.values() if k.rows is not None):
    app.add_typer(_record_group(kind), name=kind.name)

practice_app = typer.Typer(
    help="Praksisen: navn, org.nr, HER-id, kontonummer.", no_args_is_help=True
)
update.register_practice(practice_app)
app.add_typer(practice_app, name="practice")

for kind in (k for k in KINDS.values() if k.rows is None):
    app.add_typer(_record_group(kind), name=kind.name)

assert helfo and helfo_outcome and helfo_claims and helfo_messages  # they register commands
app.add_typer(settlement_app, name="settlement")
app.add_typer(claim_app, name="claim")
app.add_typer(helfo_app, name="helfo")
app.add_typer(isf_group, name="isf")

backup_commands.register(app)
access_commands.register(app)
schedule_commands.register(app)
history.register(app)

demo_app = typer.Typer(help="Syntetisk demoklinikk.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("seed", help="Lag demoklinikken (samme frø gir samme data).")
def demo_seed(
    seed: Annotated[int, typer.Option(help="Frø for tilfeldige data.")] = 2026,
    start: Annotated[str | None, typer.Option(help="Første dag med avtaler (ÅÅÅÅ-MM-DD).")] = None,
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty",
            help="Gjør ingenting hvis databasen allerede er en testinstallasjon med data.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        db = database()
        if not demo.wanted(db, if_empty):
            out.print("Databasen har allerede data (testinstallasjon); demo ble ikke lagt inn.")
            return
        first = parse_date(start) if start else None
        summary = demo.seed(db, seed, first)
        if as_json:
            print_json(
                {
                    "seed": summary.seed,
                    "start": summary.start,
                    "reports": [r.as_dict() for r in summary.reports],
                }
            )
            return
        out.print(
            f"[green]Demoklinikk laget[/] (frø {summary.seed}, fra {summary.start:%d.%m.%Y})."
        )
        for report in summary.reports:
            label = KINDS[report.kind].title if report.kind in KINDS else report.kind
            out.print(f"  {count_line(label, report.created)}")


demo_app.command(
    "serve", help="Kjør nettsidene til Ctrl-C og skriv ut innloggingen til demobrukeren."
)(access_commands.demo_serve)


@demo_app.command("helfo-flow", help="FBV-manualens kapittel 2 med ekte filer på demoklinikken.")
def demo_helfo_flow(
    folder: Annotated[str, typer.Option(help="Mappe for utboks/innboks/arkiv.")] = "var/helfo",
) -> None:
    with handled():
        for line in demo_helfo.run(database(), now(), Path(folder)):
            out.print(line)


@app.command("overview", help="Vis praksisen og hvor mye som er registrert.")
def overview(as_json: JsonOption = False) -> None:
    with handled(as_json):
        db = database()
        counts = clinic_actions.counts(db)
        practice = None if not counts else _practice_or_none()
        if as_json:
            print_json(
                {
                    "database": db.describe(),
                    "practice": practice and practice.__dict__,
                    "counts": counts,
                }
            )
            return
        out.print(f"[bold]Database:[/] {db.describe()}")
        if practice:
            out.print(f"[bold]Praksis:[/] {practice.name}, org.nr {practice.org_nr}")
        if installation.is_test_installation(db):
            out.print("[yellow]Testinstallasjon: syntetiske testidentiteter godtas.[/]")
        for label, number in counts.items():
            out.print(f"  {label:<14} {format_count(number):>9}")


def _practice_or_none() -> Practice | None:
    try:
        return clinic_actions.get_practice(database())
    except NotFound:
        return None


@app.command("patient-overview", help="Vis en pasients serier og avtaler.")
def patient_overview(
    ref: Annotated[str, typer.Argument(help="Pasientens nøkkel (ref).")],
    limit: Annotated[int, typer.Option(help="Høyst så mange avtaler.")] = 50,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        series, appointments = clinic_actions.patient_overview(database(), ref, limit)
        if as_json:
            print_json(
                {
                    "series": [row_of("series", s) for s in series],
                    "appointments": [row_of("appointments", a) for a in appointments],
                }
            )
            return
        print_records("series", series, False, KINDS["series"].title.capitalize())
        print_records("appointments", appointments, False, KINDS["appointments"].title.capitalize())


@app.command("config", help="Innstillinger for installasjonen.")
def config(
    test_installation: Annotated[
        bool | None,
        typer.Option(
            "--test-installation/--production",
            help="Merk som testinstallasjon (godtar syntetiske fødselsnumre).",
        ),
    ] = None,
    booking_bank: Annotated[
        str | None, typer.Option(help="Bankkonto i regnskapet for Helfo-utbetalinger.")
    ] = None,
    booking_income: Annotated[
        str | None, typer.Option(help="Inntektskonto i regnskapet for Helfo-refusjon.")
    ] = None,
    booking_receivable: Annotated[
        str | None, typer.Option(help="Fordringskonto for utbetalinger Helfo skylder resten av.")
    ] = None,
    booking_write_off: Annotated[
        str | None, typer.Option(help="Tapskonto for avskrevne avvik i utbetalinger.")
    ] = None,
    file_mode: Annotated[
        str | None,
        typer.Option(
            "--file-mode",
            help="Filmodus (oktalt) for filer med personopplysninger: eksporter, meldinger "
            "til Helfo, sikkerhetskopier. Standard 0640 (gruppen kan lese); aldri for alle.",
        ),
    ] = None,
) -> None:
    with handled():
        db = database()
        if test_installation is not None:
            installation.set_test_installation(db, test_installation)
        if file_mode is not None:
            installation.set_file_mode(db, file_mode)
        accounts = booking.booking_accounts(
            db, bank=booking_bank, income=booking_income, receivable=booking_receivable,
            write_off=booking_write_off,
        )  # fmt: skip
        state = "test" if installation.is_test_installation(db) else "produksjon"
        out.print(f"Installasjonen er merket som {state}.")
        out.print(
            f"Bokføring: bank {accounts['bank']}, inntekt {accounts['income']}, fordring "
            f"{accounts['receivable']}, tap {accounts['write_off']}."
        )
        out.print(f"Filer med personopplysninger: modus {installation.file_mode(db):04o}.")
