"""The ``update`` commands (one per kind keyed by ref, and the practice's): an option per
field, only the options given are changed, and what changed is shown."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import updates
from oppgjor.app.clinic.kinds import RecordKind
from oppgjor.cli.common import SAVED_WITH_BLOCKING, JsonOption, database, handled, now
from oppgjor.cli.helfo.common import User, actor_name
from oppgjor.cli.render import field_label, out, print_changes, print_findings, print_json
from oppgjor.clinic.adapters.practice_row import PRACTICE
from oppgjor.clinic.adapters.record_files import RowSpec
from oppgjor.core.clock import FixedClock

Opt = typer.Option
CLEARING = " Tom verdi («») tømmer feltet."


def _param(name: str, default: Any, annotation: Any, kind: Any = None) -> inspect.Parameter:
    return inspect.Parameter(
        name, kind or inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


# shorter names a user says for a field, besides the field's own (--diagnosis-code)
ALIASES = {"diagnosis_code": ("--diagnosis",)}


def _field_params(spec: RowSpec) -> list[inspect.Parameter]:
    return [_field_param(name, text) for name, text in spec.columns.items() if name != updates.KEY]


def _field_param(name: str, text: str) -> inspect.Parameter:
    names = (f"--{name.replace('_', '-')}", *ALIASES.get(name, ()))
    return _param(name, None, Annotated[str | None, Opt(*names, help=text)])


def show_update(result: updates.Update, label: str, as_json: bool) -> None:
    """Print what an update changed and the record's findings; exit 4 if it was saved with
    BLOCKING findings (a series, ADR 0003)."""
    if as_json:
        print_json(result.as_dict())
    else:
        print_findings(result.findings)
        print_changes(label, result.changes)
    if any(f.blocking for f in result.findings):
        raise typer.Exit(SAVED_WITH_BLOCKING)


def _make_update(kind: RecordKind) -> Any:
    assert kind.rows is not None

    def update(**kwargs: Any) -> None:
        ref = kwargs.pop("ref")
        as_json = kwargs.pop("as_json")
        template = kwargs.pop("template", None)
        actor = actor_name(kwargs.pop("user"))
        changes = {k: v for k, v in kwargs.items() if v is not None}
        with handled(as_json):
            result = updates.update(
                database(), kind.name, ref, changes, actor=actor, clock=FixedClock(now()),
                template=template,
            )  # fmt: skip
            show_update(result, f"{kind.noun} {ref}", as_json)

    params = [
        _param(
            "ref",
            inspect.Parameter.empty,
            Annotated[
                str, typer.Argument(metavar="REF", help="Nøkkelen (ref) til posten som endres.")
            ],
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ),
        *_field_params(kind.rows),
    ]
    if kind.templated:
        help_ = "Fyll felt som fortsatt er tomme fra seriemalen."
        params.append(_param("template", None, Annotated[str | None, Opt(help=help_)]))
    params.append(_param("user", None, User))
    params.append(_param("as_json", False, JsonOption))
    update.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return update


def register(kind: RecordKind, group: typer.Typer) -> None:
    """``<kind> update REF --felt verdi ...`` for a kind keyed by ref."""
    if not kind.updatable:
        return
    group.command(
        "update",
        help=f"Endre feltene du oppgir på en {kind.noun}; resten beholdes. Hele posten "
        f"kontrolleres, og endringen lagres i historikken.{CLEARING}",
    )(_make_update(kind))


def _make_practice(set_: bool) -> Any:
    def command(**kwargs: Any) -> None:
        as_json = kwargs.pop("as_json")
        actor = actor_name(kwargs.pop("user"))
        values = {k: v for k, v in kwargs.items() if v is not None}
        with handled(as_json):
            use = updates.set_practice if set_ else updates.update_practice
            result = use(database(), values, actor=actor, clock=FixedClock(now()))
            show_update(result, "praksisen", as_json)

    params = [*_field_params(PRACTICE), _param("user", None, User)]
    params.append(_param("as_json", False, JsonOption))
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return command


def register_practice(group: typer.Typer) -> None:
    group.command(
        "set",
        help="Registrer praksisen (navn og org.nr påkrevd). Er den registrert, endres bare "
        "feltene du oppgir, som med «practice update».",
    )(_make_practice(set_=True))
    group.command(
        "update", help=f"Endre feltene du oppgir på praksisen; resten beholdes.{CLEARING}"
    )(_make_practice(set_=False))

    @group.command("show", help="Vis praksisen.")
    def show(as_json: JsonOption = False) -> None:
        with handled(as_json):
            practice = clinic_actions.get_practice(database())
            if as_json:
                print_json(practice.__dict__)
                return
            for key, value in practice.__dict__.items():
                out.print(f"{field_label(key):<18} {value or ''}", highlight=False)
