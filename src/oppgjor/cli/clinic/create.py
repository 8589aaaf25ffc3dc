"""The ``create`` commands: one per kind, with an option per field (Norwegian help)."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from oppgjor.app.clinic import actions as clinic_actions
from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import RecordKind
from oppgjor.app.clinic.records import Mode
from oppgjor.cli.clinic.records import report_result
from oppgjor.cli.common import REJECTED, JsonOption, database, handled
from oppgjor.cli.render import err, out, print_findings, print_json
from oppgjor.clinic.adapters.rows import RowReader
from oppgjor.clinic.domain.model import Practice

Opt = typer.Option


def _record_from(kind: RecordKind, values: dict[str, Any]) -> Any:
    """Every field is given as text and read like an import row, so the CLI and imports accept
    exactly the same values and give the same messages."""
    assert kind.rows is not None
    reader = RowReader({k: v for k, v in values.items() if v is not None}, "kommandolinjen")
    record = kind.rows.build(reader)
    if reader.findings:
        print_findings(reader.findings, err)
        raise typer.Exit(REJECTED)
    return record


def _param(name: str, default: Any, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _make_create(kind: RecordKind) -> Any:
    assert kind.rows is not None

    def create(**kwargs: Any) -> None:
        as_json = kwargs.pop("as_json")
        template = kwargs.pop("template", None)
        update = kwargs.pop("update", False)
        with handled(as_json):
            record = _record_from(kind, kwargs)
            db = database()
            mode: Mode = "update" if update else "create"
            if template is not None:
                report = clinic_actions.save_series(db, record, mode=mode, template=template)
            else:
                report = records.save(db, kind.key, record, mode=mode)
            report_result(report, as_json, "Lagret")

    params = [
        _param(field, None, Annotated[str | None, Opt(f"--{field.replace('_', '-')}", help=text)])
        for field, text in kind.rows.columns.items()
    ]
    if kind.templated:
        help_ = "Fyll tomme felt fra seriemalen."
        params.append(_param("template", None, Annotated[str | None, Opt(help=help_)]))
    if kind.updatable:
        help_ = "Oppdater en eksisterende post."
        params.append(_param("update", False, Annotated[bool, Opt(help=help_)]))
    params.append(_param("as_json", False, JsonOption))
    create.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return create


def register(kind: RecordKind, group: typer.Typer) -> None:
    group.command(
        kind.create_verb,
        help="Registrer en ny post. Ugyldige verdier gir en feilmelding, og ingenting lagres.",
    )(_make_create(kind))


def register_practice(group: typer.Typer) -> None:
    @group.command("set", help="Registrer eller endre praksisen.")
    def set_(
        name: Annotated[str, Opt("--name", help="Navn")],
        org_nr: Annotated[str, Opt("--org-nr", help="Organisasjonsnummer")],
        her_id: Annotated[str | None, Opt("--her-id", help="HER-id")] = None,
        resh_id: Annotated[str | None, Opt("--resh-id", help="RESH-id")] = None,
        account_number: Annotated[str | None, Opt("--account-number", help="Kontonummer")] = None,
        practice_type: Annotated[
            str | None, Opt("--practice-type", help="KUHR praksistype, f.eks. FRBE")
        ] = None,
        helfo_practice_id: Annotated[
            str | None, Opt("--helfo-practice-id", help="Helfo praksis-id")
        ] = None,
        contact_email: Annotated[
            str | None, Opt("--contact-email", help="E-post for utbetalingsvedtak")
        ] = None,
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            practice = Practice(
                name,
                org_nr,
                her_id,
                resh_id,
                account_number,
                practice_type,
                helfo_practice_id,
                contact_email,
            )
            findings = clinic_actions.save_practice(database(), practice)
            if as_json:
                print_json({"findings": [f.as_dict() for f in findings]})
                return
            print_findings(findings)
            out.print("[green]Praksisen er lagret.[/]")

    @group.command("show", help="Vis praksisen.")
    def show(as_json: JsonOption = False) -> None:
        with handled(as_json):
            practice = clinic_actions.get_practice(database())
            if as_json:
                print_json(practice.__dict__)
                return
            for key, value in practice.__dict__.items():
                out.print(f"{key:<18} {value or ''}")


def register_templates(group: typer.Typer) -> None:
    @group.command("save", help="Lagre en series verdier som mal (samme navn overskriver malen).")
    def save(
        name: Annotated[str, typer.Argument(help="Malens navn")],
        from_series: Annotated[str, Opt("--from-series", help="Serien verdiene hentes fra")],
        as_json: JsonOption = False,
    ) -> None:
        with handled(as_json):
            template, created = clinic_actions.save_template_from_series(
                database(), name, from_series
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
    def delete(name: Annotated[str, typer.Argument(help="Malens navn")]) -> None:
        with handled():
            clinic_actions.delete_template(database(), name)
            out.print(f"Mal «{name}» slettet.")
