"""``oppgjor backup`` and ``oppgjor restore`` (SQLite; PostgreSQL: pg_dump, pg_restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oppgjor.app import backup as backup_app
from oppgjor.cli.common import JsonOption, database_url, handled
from oppgjor.cli.render import out, print_json
from oppgjor.store.backup import BackupInfo

Force = Annotated[bool, typer.Option("--force", help="Skriv over en fil som finnes.")]


def register(app: typer.Typer) -> None:
    @app.command(
        "backup",
        help="Ta sikkerhetskopi av databasen (SQLite) til FIL, også mens andre skriver: "
        "kopien har alt som var lagret da den ble tatt. Filen får installasjonens filmodus.",
    )
    def backup(
        file: Annotated[Path, typer.Argument(help="Filen kopien skrives til.")],
        force: Force = False,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            info = backup_app.backup(database_url(), file, force=force)
            _report(info, "Sikkerhetskopi skrevet til", as_json)

    @app.command(
        "restore",
        help="Gjenopprett databasen (SQLite) fra en sikkerhetskopi. Alt som er lagret etter "
        "kopien, går tapt; derfor kreves --force når databasen finnes. Nektes mens et annet "
        "oppgjor-program har databasen åpen.",
    )
    def restore(
        file: Annotated[Path, typer.Argument(help="Sikkerhetskopien.")],
        force: Annotated[
            bool, typer.Option("--force", help="Erstatt databasen som finnes.")
        ] = False,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            info = backup_app.restore(database_url(), file, force=force)
            _report(info, "Databasen gjenopprettet:", as_json)


def _report(info: BackupInfo, what: str, as_json: bool) -> None:
    if as_json:
        print_json({"file": str(info.path), "revision": info.revision, "pages": info.pages})
        return
    out.print(f"[green]{what}[/] {info.path} (migreringsversjon {info.revision}).")
