"""CLI: ``oppgjor schedule hours|exception|service|bookings``: working hours, their exceptions
and the services insurers may book online (the clinic's side of issue 13)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from oppgjor.app.clinic import schedule
from oppgjor.cli.common import JsonOption, database, handled, now
from oppgjor.cli.helfo.common import User, actor_name
from oppgjor.cli.layout import FIXED, TEXT, table
from oppgjor.cli.render import out, print_json
from oppgjor.clinic.adapters.rows import parse_date
from oppgjor.clinic.domain.schedule import WEEKDAYS, HoursException, Service, WeeklyHours
from oppgjor.core.changes import snapshot

schedule_app = typer.Typer(help="Arbeidstid, unntak og tjenester forsikringsselskaper kan "
                           "booke på nett.", no_args_is_help=True)  # fmt: skip
hours_app = typer.Typer(help="Behandlernes arbeidstid (ukemønster).", no_args_is_help=True)
exception_app = typer.Typer(help="Unntak fra arbeidstiden: stengt eller andre tider én dato.",
                            no_args_is_help=True)  # fmt: skip
service_app = typer.Typer(
    help="Tjenester som kan bookes: varighet, takst eller pris, hvem som gir dem og hvem som "
    "kan booke dem.",
    no_args_is_help=True,
)

Practitioner = Annotated[str, typer.Argument(help="Behandleren (ref).")]
FromTime = Annotated[str, typer.Option("--from", help="Fra klokken (TT:MM).")]
ToTime = Annotated[str, typer.Option("--to", help="Til klokken (TT:MM).")]


def _time(value: str, name: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        message = f"«{value}» er ikke et klokkeslett (TT:MM)."
        raise typer.BadParameter(message, param_hint=name) from None


def _date(value: str, name: str) -> datetime.date:
    try:
        return parse_date(value)
    except ValueError:
        message = f"«{value}» er ikke en dato (ÅÅÅÅ-MM-DD)."
        raise typer.BadParameter(message, param_hint=name) from None


def _price(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise typer.BadParameter(f"«{value}» er ikke et beløp.", param_hint="--price") from None


def _plain(record: Any) -> dict[str, Any]:
    return {"id": record.id, **snapshot(record)}


# -- hours ---------------------------------------------------------------------------------


@hours_app.command("add", help="Ny linje i ukemønsteret: ukedag 1 (mandag) til 7 (søndag).")
def hours_add(
    practitioner: Practitioner,
    weekday: Annotated[int, typer.Option(min=1, max=7, help="1 = mandag … 7 = søndag.")],
    start: FromTime,
    end: ToTime,
    valid_from: Annotated[str, typer.Option(help="Gyldig fra dato.")],
    valid_to: Annotated[str | None, typer.Option(help="Gyldig til og med dato.")] = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        new = WeeklyHours(practitioner, weekday - 1, _time(start, "--from"), _time(end, "--to"),
                          _date(valid_from, "--valid-from"),
                          _date(valid_to, "--valid-to") if valid_to else None)  # fmt: skip
        made = schedule.add_hours(database(), new, actor=actor_name(user), now=now())
        if as_json:
            print_json(_plain(made))
            return
        when = f"{made.start:%H:%M}–{made.end:%H:%M} fra {made.valid_from:%d.%m.%Y}"
        out.print(f"Arbeidstid {made.id}: {practitioner} {WEEKDAYS[made.weekday]} {when}.")


@hours_app.command("list", help="Ukemønsteret.")
def hours_list(
    practitioner: Annotated[str | None, typer.Option(help="Bare denne behandleren.")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = schedule.hours(database(), practitioner)
        if as_json:
            print_json([_plain(h) for h in found])
            return
        result = table(f"Arbeidstid ({len(found)})", ("id", FIXED), ("behandler", FIXED),
                       ("dag", TEXT), ("fra–til", FIXED), ("gyldig", FIXED))  # fmt: skip
        for h in found:
            valid = f"{h.valid_from:%d.%m.%Y}–{h.valid_to:%d.%m.%Y}" if h.valid_to else (
                f"fra {h.valid_from:%d.%m.%Y}")  # fmt: skip
            result.add_row(str(h.id), h.practitioner_ref, WEEKDAYS[h.weekday],
                           f"{h.start:%H:%M}–{h.end:%H:%M}", valid)  # fmt: skip
        out.print(result)


@hours_app.command("delete", help="Slett en linje i ukemønsteret.")
def hours_delete(
    hours_id: Annotated[int, typer.Argument(min=1, help="Id-en (schedule hours list).")],
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        schedule.remove_hours(database(), hours_id, expected=None, actor=actor_name(user),
                              now=now())  # fmt: skip
        if as_json:
            print_json({"id": hours_id, "deleted": True})
            return
        out.print(f"Arbeidstid {hours_id} er slettet.")


# -- exceptions ----------------------------------------------------------------------------


@exception_app.command("add", help="Stengt en dato (uten --from/--to), eller andre tider.")
def exception_add(
    practitioner: Practitioner,
    day: Annotated[str, typer.Argument(help="Datoen (ÅÅÅÅ-MM-DD).")],
    start: Annotated[str | None, typer.Option("--from", help="Fra klokken (TT:MM).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Til klokken (TT:MM).")] = None,
    note: Annotated[str, typer.Option(help="Hvorfor (f.eks. kurs).")] = "",
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        new = HoursException(practitioner, _date(day, "DAY"),
                             _time(start, "--from") if start else None,
                             _time(end, "--to") if end else None, note)  # fmt: skip
        made = schedule.add_exception(database(), new, actor=actor_name(user), now=now())
        if as_json:
            print_json(_plain(made))
            return
        what = "stengt" if made.closed else f"{made.start:%H:%M}–{made.end:%H:%M}"
        out.print(f"Unntak {made.id}: {practitioner} {made.day:%d.%m.%Y} {what}.")


@exception_app.command("list", help="Unntakene, etter dato.")
def exception_list(
    practitioner: Annotated[str | None, typer.Option(help="Bare denne behandleren.")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = schedule.exceptions(database(), practitioner)
        if as_json:
            print_json([_plain(x) for x in found])
            return
        result = table(f"Unntak ({len(found)})", ("id", FIXED), ("behandler", FIXED),
                       ("dato", FIXED), ("tider", FIXED), ("merknad", TEXT))  # fmt: skip
        for x in found:
            when = "stengt" if x.closed else f"{x.start:%H:%M}–{x.end:%H:%M}"
            result.add_row(str(x.id), x.practitioner_ref, f"{x.day:%d.%m.%Y}", when, x.note)
        out.print(result)


@exception_app.command("delete", help="Slett et unntak.")
def exception_delete(
    exception_id: Annotated[int, typer.Argument(min=1, help="Id-en (schedule exception list).")],
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        schedule.remove_exception(database(), exception_id, expected=None,
                                  actor=actor_name(user), now=now())  # fmt: skip
        if as_json:
            print_json({"id": exception_id, "deleted": True})
            return
        out.print(f"Unntak {exception_id} er slettet.")


# -- services ------------------------------------------------------------------------------

Givers = Annotated[list[str] | None, typer.Option("--practitioner", help="Gir tjenesten. "
                                                  "Kan gjentas.")]  # fmt: skip
Clients = Annotated[list[str] | None, typer.Option("--client", help="Bookingklient som kan "
                                                   "booke den. Kan gjentas.")]  # fmt: skip
Tariff = Annotated[str | None, typer.Option("--tariff", help="Takstkoden den gir.")]
Price = Annotated[str | None, typer.Option("--price", help="Prisen i kroner.")]


@service_app.command("add", help="Ny tjeneste forsikringsselskaper kan booke.")
def service_add(
    ref: Annotated[str, typer.Argument(help="Nøkkelen, f.eks. FYS30.")],
    name: Annotated[str, typer.Option("--name", help="Navnet forsikringsselskapet ser.")],
    minutes: Annotated[int, typer.Option("--minutes", help="Varighet i minutter.")],
    tariff: Tariff = None,
    price: Price = None,
    practitioner: Givers = None,
    client: Clients = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        new = Service(ref, name, minutes, tariff, _price(price), frozenset(practitioner or ()),
                      frozenset(client or ()))  # fmt: skip
        made = schedule.add_service(database(), new, actor=actor_name(user), now=now())
        _show_service(made, as_json, "laget")


@service_app.command("update", help="Endre en tjeneste; bare det som gis, endres.")
def service_update(
    ref: Annotated[str, typer.Argument(help="Nøkkelen.")],
    name: Annotated[str | None, typer.Option("--name", help="Nytt navn.")] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", help="Varighet.")] = None,
    tariff: Tariff = None,
    price: Price = None,
    practitioner: Givers = None,
    client: Clients = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Kan bookes, eller ikke.")
    ] = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        given = {"name": name, "duration_minutes": minutes, "tariff_code": tariff,
                 "price": _price(price), "practitioner_refs": practitioner,
                 "client_refs": client, "active": active}  # fmt: skip
        changes = {k: v for k, v in given.items() if v is not None}
        changed = schedule.change_service(database(), ref, changes, expected=None,
                                          actor=actor_name(user), now=now())  # fmt: skip
        _show_service(changed, as_json, "oppdatert")


def _show_service(s: Service, as_json: bool, done: str) -> None:
    if as_json:
        print_json(_plain(s))
        return
    out.print(f"Tjeneste {s.ref} ({s.name}, {s.duration_minutes} min) er {done}.")


@service_app.command("list", help="Tjenestene.")
def service_list(as_json: JsonOption = False) -> None:
    with handled(as_json):
        found = schedule.services(database())
        if as_json:
            print_json([_plain(s) for s in found])
            return
        result = table(f"Tjenester ({len(found)})", ("ref", FIXED), ("navn", TEXT),
                       ("min", FIXED), ("takst/pris", FIXED), ("behandlere", TEXT),
                       ("klienter", TEXT), ("aktiv", FIXED))  # fmt: skip
        for s in found:
            carries = s.tariff_code or (f"{s.price} kr" if s.price is not None else "")
            result.add_row(s.ref, s.name, str(s.duration_minutes), carries,
                           " ".join(sorted(s.practitioner_refs)), " ".join(sorted(s.client_refs)),
                           "ja" if s.active else "nei")  # fmt: skip
        out.print(result)


@schedule_app.command("bookings", help="Forsikringsselskapenes bestillinger.")
def bookings(
    limit: Annotated[int, typer.Option(min=1, help="Høyst så mange.")] = 100,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        found = schedule.bookings(database(), limit=limit)
        if as_json:
            print_json([{**dataclasses.asdict(b), "state": b.state.value} for b in found])
            return
        result = table(f"Bestillinger ({len(found)})", ("id", FIXED), ("klient", FIXED),
                       ("SakID", FIXED), ("tid", FIXED), ("behandler", FIXED),
                       ("avtale", FIXED), ("status", FIXED))  # fmt: skip
        for b in found:
            result.add_row(str(b.id), b.client_ref, b.case_ref, f"{b.start:%d.%m.%Y %H:%M}",
                           b.practitioner_ref, b.appointment_ref or "", b.state.value)  # fmt: skip
        out.print(result)


schedule_app.add_typer(hours_app, name="hours")
schedule_app.add_typer(exception_app, name="exception")
schedule_app.add_typer(service_app, name="service")


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
