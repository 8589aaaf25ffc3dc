"""``oppgjor history KIND REF``: every change to one record, oldest first."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from oppgjor.app import history as history_app
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.clinic.trail import PRACTICE_REF
from oppgjor.cli.common import JsonOption, database, handled
from oppgjor.cli.render import field_label, out, print_json, shown

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$")
# the kinds that are not record kinds of the registry, in the user's words
_NOUNS = {"settlement": "oppgjør", "practice": "praksis"}


def _value(value: Any, name: str = "") -> str:
    """A kept value of field *name* as a Norwegian reads it: dates dd.mm.yyyy, ja/nei,
    coded values in words (a status: møtt), ``(tom)``."""
    if value in (None, "", [], {}):
        return "(tom)"
    if isinstance(value, str) and shown(name, value) != value:
        return shown(name, value)
    if value is True or value is False:
        return "ja" if value else "nei"
    if isinstance(value, list):
        return " ".join(_value(v) for v in value)
    if isinstance(value, dict):  # e.g. a tariff line: FBV01*1
        return "*".join(str(v) for v in value.values())
    found = _ISO_DATE.match(str(value))
    if found:
        year, month, day, hour, minute = found.groups()
        return f"{day}.{month}.{year}" + (f" {hour}:{minute}" if hour else "")
    return str(value)


def _noun(kind: str) -> str:
    named = [k.noun for k in KINDS.values() if k.name == kind]
    return named[0] if named else _NOUNS.get(kind, kind)


def _lines(changes: dict[str, tuple[Any, Any]]) -> list[str]:
    """One line per field: ``felt: før → etter``; a record's first event (nothing before)
    as ``felt: verdi``, its empty fields left out."""
    created = all(before is None for before, _ in changes.values())
    if created:
        return [
            f"{field_label(name)}: {_value(after, name)}"
            for name, (_, after) in changes.items()
            if after not in (None, "", [], {})
        ]
    return [
        f"{field_label(name)}: {_value(before, name)} → {_value(after, name)}"
        for name, (before, after) in changes.items()
    ]


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
                out.print(f"Ingen endringer registrert for {_noun(kind)} «{shown}».")
                return
            count = f"{len(entries)} hendelse" + ("r" if len(entries) != 1 else "")
            out.print(f"[bold]Historikk for {_noun(kind)} «{shown}»[/] ({count})")
            for e in entries:
                out.print(
                    f"{e.at:%d.%m.%Y %H:%M}  {e.actor}  {e.what}", highlight=False, markup=False
                )
                for line in _lines(e.changes):
                    out.print(f"    {line}", highlight=False, markup=False)
                if e.note:
                    out.print(f"    {e.note}", highlight=False, markup=False)
