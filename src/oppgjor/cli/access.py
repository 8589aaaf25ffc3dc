"""CLI: ``oppgjor user``, ``oppgjor token``, ``oppgjor booking-client`` and ``oppgjor serve``.

A password is read from a hidden prompt (or one line of standard input with
``--password-stdin``), never from the command line, where others could see it."""

from __future__ import annotations

import datetime
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from oppgjor.access.domain.roles import ROLE_WORDS, Role
from oppgjor.app import access
from oppgjor.cli.common import JsonOption, database, database_url, handled, now
from oppgjor.cli.helfo.common import User, actor_name
from oppgjor.cli.layout import FIXED, TEXT, table
from oppgjor.cli.render import err, out, print_json

user_app = typer.Typer(help="Brukere av API-et og nettsidene, med roller.", no_args_is_help=True)
token_app = typer.Typer(help="Tokens for integrasjoner (API-et).", no_args_is_help=True)
client_app = typer.Typer(
    help="Bookingklienter: forsikringsselskapers systemer som booker timer.", no_args_is_help=True
)

ROLES_HELP = (
    "administrator, settlement-office (oppgjørskontor), practitioner (behandler), read-only."
)
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Les passordet fra standard inn (én linje).")
]


def _password(from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Passord", hide_input=True, confirmation_prompt=confirm)
    return value


def _when(at: datetime.datetime | None) -> str:
    return "" if at is None else f"{at:%d.%m.%Y %H:%M}"


@user_app.command("create", help="Ny bruker. Passordet spørres om (skjult).")
def user_create(
    username: Annotated[str, typer.Argument(help="Brukernavnet (små bokstaver).")],
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    name: Annotated[str, typer.Option("--name", help="Fullt navn.")] = "",
    practitioner: Annotated[
        str | None, typer.Option(help="Behandleren brukeren er (rollen practitioner).")
    ] = None,
    password_stdin: PasswordStdin = False,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        made = access.create_user(
            database(), username, role=access.role_of(role), password=_password(password_stdin),
            display_name=name, practitioner_ref=practitioner, actor=actor_name(user), now=now(),
        )  # fmt: skip
        if as_json:
            print_json({"username": made.username, "role": made.role})
            return
        out.print(f"Bruker {made.username} er laget ({ROLE_WORDS[Role(made.role)]}).")


@user_app.command("list", help="Brukerne og rollene deres.")
def user_list(as_json: JsonOption = False) -> None:
    with handled(as_json):
        found = access.users(database())
        if as_json:
            print_json([
                {"username": u.username, "name": u.display_name, "role": u.role,
                 "practitioner_ref": u.practitioner_ref, "active": u.active}
                for u in found
            ])  # fmt: skip
            return
        result = table(f"Brukere ({len(found)})", ("bruker", TEXT), ("navn", TEXT),
                       ("rolle", TEXT), ("behandler", FIXED), ("aktiv", FIXED))  # fmt: skip
        for u in found:
            result.add_row(u.username, u.display_name, ROLE_WORDS[Role(u.role)],
                           u.practitioner_ref or "", "ja" if u.active else "nei")  # fmt: skip
        out.print(result)


@user_app.command("update", help="Endre rolle, navn, behandler, passord eller aktiv.")
def user_update(
    username: Annotated[str, typer.Argument(help="Brukernavnet.")],
    role: Annotated[str | None, typer.Option(help=ROLES_HELP)] = None,
    name: Annotated[str | None, typer.Option("--name", help="Fullt navn.")] = None,
    practitioner: Annotated[str | None, typer.Option(help="Behandleren («» fjerner).")] = None,
    password: Annotated[bool, typer.Option("--password", help="Sett nytt passord.")] = False,
    password_stdin: PasswordStdin = False,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Kan logge inn, eller ikke.")
    ] = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        secret = _password(password_stdin) if password or password_stdin else None
        changed = access.change_user(
            database(), username, role=access.role_of(role) if role else None,
            display_name=name, practitioner_ref=practitioner, active=active, password=secret,
            actor=actor_name(user), now=now(),
        )  # fmt: skip
        if as_json:
            print_json({"username": changed.username, "role": changed.role,
                        "active": changed.active})  # fmt: skip
            return
        out.print(f"Bruker {changed.username} er oppdatert.")


@token_app.command("create", help="Nytt token. Det vises bare nå; bare en hash lagres.")
def token_create(
    name: Annotated[str, typer.Argument(help="Hva tokenet brukes til.")],
    for_user: Annotated[str | None, typer.Option("--for", help="Brukeren tokenet gjelder.")] = None,
    client: Annotated[str | None, typer.Option(help="Eller bookingklienten (kortnavn).")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="read, write, settlement, admin; booking for en bookingklient. Kan gjentas."
        ),
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=366, help="Gyldig så mange dager.")] = 90,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        scopes = scope or (["booking"] if client else ["read"])
        made = access.create_token(
            database(), name, username=for_user, client_ref=client, scopes=scopes,
            lifetime=datetime.timedelta(days=days), actor=actor_name(user), now=now(),
        )  # fmt: skip
        if as_json:
            print_json({"id": made.id, "token": made.value,
                        "expires_at": made.expires_at.isoformat()})  # fmt: skip
            return
        out.print(f"Token {made.id} gjelder til {made.expires_at:%d.%m.%Y %H:%M}. Ta vare på "
                  "det nå; det vises ikke igjen:")  # fmt: skip
        out.print(made.value, highlight=False, soft_wrap=True)


@token_app.command("list", help="Tokens (uten selve verdien).")
def token_list(as_json: JsonOption = False) -> None:
    with handled(as_json):
        found = access.tokens(database())
        if as_json:
            print_json([
                {"id": t.id, "name": t.name, "owner": t.owner, "scopes": list(t.scopes),
                 "expires_at": t.expires_at.isoformat(),
                 "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
                for t in found
            ])  # fmt: skip
            return
        result = table(f"Tokens ({len(found)})", ("id", FIXED), ("navn", TEXT), ("eier", TEXT),
                       ("omfang", TEXT), ("utløper", FIXED), ("trukket", FIXED))  # fmt: skip
        for t in found:
            result.add_row(str(t.id), t.name, t.owner, " ".join(t.scopes), _when(t.expires_at),
                           _when(t.revoked_at))  # fmt: skip
        out.print(result)


@token_app.command("revoke", help="Tilbakekall et token; det virker ikke lenger.")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Tokenets id (oppgjor token list).")],
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        revoked = access.revoke_token(database(), token_id, actor=actor_name(user), now=now())
        if as_json:
            print_json({"id": revoked.id, "revoked_at": _when(revoked.revoked_at)})
            return
        out.print(f"Token {revoked.id} ({revoked.name}) er tilbakekalt.")


@client_app.command("create", help="Ny bookingklient (et forsikringsselskaps system).")
def client_create(
    ref: Annotated[str, typer.Argument(help="Kortnavn, f.eks. IF.")],
    name: Annotated[str, typer.Option("--name", help="Navnet.")],
    org_nr: Annotated[str | None, typer.Option(help="Organisasjonsnummer.")] = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        made = access.create_client(database(), ref, name, org_nr=org_nr,
                                    actor=actor_name(user), now=now())  # fmt: skip
        if as_json:
            print_json({"ref": made.ref, "name": made.name, "org_nr": made.org_nr})
            return
        out.print(f"Bookingklient {made.ref} ({made.name}) er laget. Lag et token med "
                  f"«oppgjor token create NAVN --client {made.ref}».")  # fmt: skip


@client_app.command("list", help="Bookingklientene.")
def client_list(as_json: JsonOption = False) -> None:
    with handled(as_json):
        found = access.clients(database())
        if as_json:
            print_json([{"ref": c.ref, "name": c.name, "org_nr": c.org_nr, "active": c.active}
                        for c in found])  # fmt: skip
            return
        result = table(f"Bookingklienter ({len(found)})", ("ref", FIXED), ("navn", TEXT),
                       ("org.nr", FIXED))  # fmt: skip
        for c in found:
            result.add_row(c.ref, c.name, c.org_nr or "")
        out.print(result)


def serve(
    host: Annotated[str, typer.Option(help="Adressen å lytte på.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Porten.")] = 8000,
    tls_cert: Annotated[
        Path | None, typer.Option(help="TLS-sertifikat (PEM); da brukes https.", exists=True)
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="Den private nøkkelen til sertifikatet (PEM).", exists=True)
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=32, help="Antall prosesser som svarer (høyst én per kjerne er nyttig)."
        ),
    ] = 1,
) -> None:
    """Kjør API-et (og nettsidene) til Ctrl-C. OpenAPI: /api/v1/openapi.json."""
    from oppgjor.web.server import serve as run

    if (tls_cert is None) != (tls_key is None):
        raise typer.BadParameter("Oppgi både --tls-cert og --tls-key, eller ingen av dem.")
    with handled():
        database()  # the database is opened (and migrated) before the server says it is up
        _port_free(host, port)
        scheme = "https" if tls_cert else "http"
        out.print(f"oppgjor lytter på {scheme}://{host}:{port}/api/v1 (Ctrl-C avslutter)")
        run(database_url(), host, port, certfile=tls_cert, keyfile=tls_key, workers=workers)


def demo_serve(
    host: Annotated[str, typer.Option(help="Adressen å lytte på.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Porten.")] = 8000,
) -> None:
    """Give the demo user a new password, print the address and the login, serve the site."""
    from oppgjor.web.server import serve as run

    with handled():
        db = database()
        _port_free(host, port)
        username, password = access.demo_login(db, now=now())
        address = f"http://{host}:{port}/"
        out.print(f"\n[bold]Nettsidene:[/] {address}  (API: {address}api/v1/openapi.json)")
        out.print(f"[bold]Logg inn som[/] {username} [bold]med passordet[/] {password}")
        out.print("(passordet er nytt hver gang og lagres bare som hash; Ctrl-C avslutter)\n")
        run(database_url(), host, port, log_level="warning")


def _port_free(host: str, port: int) -> None:
    """Refuse, in Norwegian and before saying the server is up, a port another program has."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            err.print(f"[bold red]Feil:[/] kan ikke lytte på {host}:{port} ({exc.strerror}); "
                      "kjører oppgjor serve allerede? Velg en annen port med --port.")  # fmt: skip
            raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(client_app, name="booking-client")
    app.command("serve", help="Kjør API-et til Ctrl-C; OpenAPI på /api/v1/openapi.json.")(serve)
