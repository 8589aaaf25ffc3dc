"""The ``create`` commands: one per kind, with an option per field (Norwegian help)."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import single
from oppgjor.app.clinic.kinds import RecordKind
from oppgjor.cli.clinic.records import report_result
from oppgjor.cli.common import JsonOption, database, handled
from oppgjor.cli.helfo.common import User, actor_name
from oppgjor.cli.render import out, print_json

Opt = typer.Option


def _param(name: str, default: Any, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _make_create(kind: RecordKind) -> Any:
    assert kind.rows is not None

    def create(**kwargs: Any) -> None:
        as_json = kwargs.pop("as_json")
        template = kwargs.pop("template", None)
        actor = actor_name(kwargs.pop("user"))
        with handled(as_json):
            made = single.create(database(), kind.key, kwargs, template=template, actor=actor)
            report_result(made.report, as_json, "Lagret")

    params = [
        _param(field, None, Annotated[str | None, Opt(f"--{field.replace('_', '-')}", help=text)])
        for field, text in kind.rows.columns.items()
    ]
    if kind.templated:
        help_ = "Fyll tomme felt fra seriemalen."
        params.append(_param("template", None, Annotated[str | None, Opt(help=help_)]))
    params.append(_param("user", None, User))
    params.append(_param("as_json", False, JsonOption))
    create.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return create


def register(kind: RecordKind, group: typer.Typer) -> None:
    help_ = "Registrer en ny post. Ugyldige verdier gir en feilmelding, og ingenting lagres."
    if kind.updatable:
        help_ += f" En post som finnes, endres med «oppgjor {kind.name} update»."
    group.command(kind.create_verb, help=help_)(_make_create(kind))


def register_templates(group: typer.Typer) -> None:
    @group.command("save", help="Lagre en series verdier som mal (samme navn overskriver malen).")
    def save(
        name: Annotated[str, typer.Argument(help="Malens navn")],
        from_series: Annotated[str, Opt("--from-series", help="Serien verdiene hentes fra")],
        user: User = None,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            template, created = clinic_actions.save_template_from_series(
                database(), name, from_series, actor=actor_name(user)
            )
            if as_json:
                print_json({"name": template.name, "values": template.values, "created": created})
                return
            out.print(
                f"[green]Mal «{template.name}» {'lagret' if created else 'overskrevet'}[/] "
                f"med {len(template.values)} felt."
            )

    @group.command("list", help="Vis alle seriemaler.")
    def list_(as_json: JsonOption = False) -> None:
        with handled(as_json):
            found = clinic_actions.list_templates(database())
            if as_json:
                print_json([{"name": t.name, "values": t.values} for t in found])
                return
            for t in found:
                out.print(
                    f"[bold]{t.name}[/]: " + ", ".join(f"{k}={v}" for k, v in t.values.items())
                )

    @group.command("show", help="Vis én seriemal.")
    def show(
        name: Annotated[str, typer.Argument(help="Malens navn")], as_json: JsonOption = False
    ) -> None:
        with handled(as_json):
            t = clinic_actions.get_template(database(), name)
            if as_json:
                print_json({"name": t.name, "values": t.values})
                return
            for key, value in t.values.items():
                out.print(f"{key:<18} {value}")

    @group.command("delete", help="Slett en seriemal.")
    def delete(name: Annotated[str, typer.Argument(help="Malens navn")], user: User = None) -> None:
        with handled():
            clinic_actions.delete_template(database(), name, actor=actor_name(user))
            out.print(f"Mal «{name}» slettet.")
