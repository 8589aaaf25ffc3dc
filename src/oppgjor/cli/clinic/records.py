"""list / show / import / export, the same for every kind of record."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Annotated

import typer

from oppgjor.app.clinic import records
from oppgjor.cli.common import (
    SAVED_WITH_BLOCKING,
    JsonOption,
    database,
    handled,
    now,
)
from oppgjor.cli.helfo.common import User, actor_name
from oppgjor.cli.render import out, print_findings, print_json, print_record, print_records
from oppgjor.clinic.adapters.record_files import Format

FormatOption = Annotated[str, typer.Option("--format", "-f", help="csv eller json.")]
RevealOption = Annotated[
    bool,
    typer.Option(
        "--reveal",
        help="Vis hele fødselsnummeret (ellers maskert: 150586*****). Hvem som så det, og "
        "når, lagres i revisjonssporet.",
    ),
]


def report_result(report: records.Report, as_json: bool, what: str) -> None:
    """Print what a save or import did; exit 4 if it was saved with BLOCKING findings."""
    if as_json:
        print_json(report.as_dict())
    else:
        print_findings(report.findings)
        out.print(
            f"[green]{what}:[/] {report.created} nye, {report.updated} oppdatert, "
            f"{report.unchanged} uendret ({report.rows} rad{'er' if report.rows != 1 else ''})."
        )
    if any(f.blocking for f in report.findings):
        raise typer.Exit(SAVED_WITH_BLOCKING)


PAGE = 50  # rows a list shows unless told otherwise


def add_record_commands(
    group: typer.Typer, kind: str, title: str, importable: bool = True, listed: bool = True
) -> None:
    """Attach list, show, import and export for *kind* to *group* (``list`` only when
    *listed*: a kind may register its own, e.g. with filters)."""
    if listed:
        _add_list(group, kind, title)

    if records.holds_national_ids(kind):
        _add_show_masked(group, kind, title)
    else:

        @group.command("show", help=f"Vis én post ({title}) med nøkkel.")
        def show(
            ref: Annotated[str, typer.Argument(help="Nøkkelen (ref).")],
            as_json: JsonOption = False,
        ) -> None:
            with handled(as_json):
                print_record(kind, records.get_record(database(), kind, ref), as_json)

    @group.command(
        "export",
        help=f"Eksporter {title} til CSV eller JSON. "
        + (
            "På skjermen er ID-numrene maskert; en fil (--output) har dem i sin helhet, "
            "skrives uten lesetilgang for andre og logges i revisjonssporet."
            if records.holds_national_ids(kind)
            else "En fil (--output) skrives uten lesetilgang for andre."
        ),
    )
    def export(
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Fil (ellers skjerm).")
        ] = None,
        fmt: FormatOption = "csv",
        user: User = None,
    ) -> None:
        with handled():
            if output is None:
                typer.echo(records.export_text(database(), kind, _format(fmt)), nl=False)
                return
            records.export_file(
                database(), kind, output, _format(fmt), actor=actor_name(user), at=now()
            )
            out.print(f"Skrev {output}.")

    if not importable:
        return

    @group.command(
        "import",
        help=f"Importer {title} fra CSV eller JSON. Hele filen sjekkes først; "
        "er noe galt, lagres ingenting og alle feil vises.",
    )
    def import_(
        path: Annotated[Path, typer.Argument(help="Filen som skal importeres.")],
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="csv eller json (ellers fra filnavnet)."),
        ] = None,
        encoding: Annotated[
            str | None,
            typer.Option(
                "--encoding",
                "-e",
                help="Filens tegnsett, f.eks. utf-8 eller cp1252 (ellers: UTF-8 om filen er "
                "gyldig UTF-8, ellers Windows-1252 slik Excel lagrer på norsk PC).",
            ),
        ] = None,
        user: User = None,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            chosen = _format(fmt or ("json" if path.suffix.lower() == ".json" else "csv"))
            _check_encoding(encoding)
            data = path.read_bytes()
            report = records.import_file(
                database(), kind, data, chosen, encoding=encoding, actor=actor_name(user)
            )
            report_result(report, as_json, "Importert")


def _add_list(group: typer.Typer, kind: str, title: str) -> None:
    @group.command(
        "list",
        help=f"Vis {title}, {PAGE} om gangen (--offset for neste side, --all for alle). "
        "Med --json: alle, med mindre --limit er oppgitt.",
    )
    def list_(
        limit: Annotated[
            int | None,
            typer.Option("--limit", help=f"Høyst så mange (standard {PAGE}; 0 = alle)."),
        ] = None,
        offset: Annotated[int, typer.Option("--offset", help="Hopp over så mange først.")] = 0,
        all_: Annotated[bool, typer.Option("--all", help="Vis alle.")] = False,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            wanted = None if all_ or (as_json and limit is None) else limit
            if wanted is None and not all_ and not as_json:
                wanted = PAGE
            found, total = records.list_page(database(), kind, limit=wanted, offset=offset)
            print_records(kind, found, as_json, title.capitalize(), total=total, offset=offset)
            if not as_json and offset + len(found) < total:
                out.print(
                    f"Flere: --offset {offset + len(found)}; alle: --all (eller --limit 0).",
                    highlight=False,
                )


def _add_show_masked(group: typer.Typer, kind: str, title: str) -> None:
    """``show`` for a kind holding identity numbers: masked, or revealed and audited."""

    @group.command("show", help=f"Vis én post ({title}) med nøkkel; ID-nummeret maskert.")
    def show(
        ref: Annotated[str, typer.Argument(help="Nøkkelen (ref).")],
        as_json: JsonOption = False,
        reveal: RevealOption = False,
        user: User = None,
    ) -> None:
        with handled(as_json):
            if reveal:
                found = records.reveal(database(), kind, ref, actor=actor_name(user), at=now())
            else:
                found = records.get_record(database(), kind, ref)
            print_record(kind, found, as_json, revealed=reveal)


def _format(fmt: str) -> Format:
    if fmt == "csv":
        return "csv"
    if fmt == "json":
        return "json"
    raise typer.BadParameter("bruk csv eller json", param_hint="--format")


def _check_encoding(encoding: str | None) -> None:
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise typer.BadParameter(
            "ukjent tegnsett (f.eks. utf-8 eller cp1252)", param_hint="--encoding"
        ) from None
