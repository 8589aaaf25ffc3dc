"""``oppgjor history KIND REF``: every change to one record, oldest first."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from oppgjor.app import history as history_app
from oppgjor.app.clinic.trail import PRACTICE_REF
from oppgjor.cli.common import JsonOption, database, handled
from oppgjor.cli.render import field_label, out, print_json


def _value(value: Any) -> str:
    if value in (None, "", [], {}):
        return "(tom)"
    if isinstance(value, list):
        return " ".join(_value(v) for v in value)
    if isinstance(value, dict):  # e.g. a tariff line: FBV01*1
        return "*".join(str(v) for v in value.values())
    return str(value)


def register(app: typer.Typer) -> None:
    @app.command(
        "history",
        help="Vis historikken til en post: hvem som opprettet, endret, viste eller "
        f"eksporterte den, og når. TYPE er en av {', '.join(history_app.kinds())}. "
        "ID-numre vises maskert.",
    )
    def history(
        kind: Annotated[str, typer.Argument(help="Typen post, f.eks. series eller patient.")],
        ref: Annotated[
            str | None,
            typer.Argument(help="Nøkkelen (ref); for settlement oppgjørsnummeret."),
        ] = None,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            entries, _ = history_app.history(database(), kind, ref)
            shown = ref or PRACTICE_REF
            if as_json:
                print_json({"kind": kind, "ref": shown, "events": [e.as_dict() for e in entries]})
                return
            if not entries:
                out.print(f"Ingen endringer registrert for {kind} «{shown}».")
                return
            out.print(f"[bold]Historikk for {kind} «{shown}»[/] ({len(entries)} hendelser)")
            for e in entries:
                out.print(
                    f"{e.at:%d.%m.%Y %H:%M}  {e.actor}  {e.what}", highlight=False, markup=False
                )
                for name, (before, after) in e.changes.items():
                    out.print(
                        f"    {field_label(name)}: {_value(before)} → {_value(after)}",
                        highlight=False,
                        markup=False,
                    )
                if e.note:
                    out.print(f"    {e.note}", highlight=False, markup=False)
