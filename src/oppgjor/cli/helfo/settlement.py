"""CLI: the `settlement` command group (the workflow of the FBV manual's chapter 2) up to
submission: new, list, show, mark, date, control, submit, unlock, move-blocked, delete. What
follows (sent, receipt, correct, pay, book, export, payouts) is in ``cli.helfo.outcome``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from oppgjor.app.errors import UseCaseError
from oppgjor.app.helfo import settlements as st
from oppgjor.app.helfo import views
from oppgjor.cli.common import SAVED_WITH_BLOCKING, JsonOption, database, handled, now
from oppgjor.cli.helfo.common import (
    EVENT_LABELS,
    Id,
    User,
    Version,
    actor_name,
    claim_dict,
    claim_numbers,
    claims_table,
    day_option,
    print_settlement,
    settlement_app,
    settlement_dict,
    settlement_type_of,
    state_label,
    state_of,
    tab_of,
)
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, table
from oppgjor.cli.render import SEVERITY_STYLE, format_count, out, print_findings, print_json
from oppgjor.core.money import format_nok

# -- settlement ------------------------------------------------------------------------------


@settlement_app.command("new", help="Nytt utkast (Til behandling) av en oppgjørstype.")
def new(
    type_: Annotated[str, typer.Option("--type", help="fbv (NPR BKM FBV) eller bkm.")],
    date: Annotated[str | None, typer.Option(help="Oppgjørsdato (standard i dag).")] = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        s = st.new(
            database(),
            settlement_type_of(type_),
            date=day_option(date),
            actor=actor_name(user),
            now=now(),
        )
        print_settlement(s, as_json)


@settlement_app.command(
    "list", help="Oppgjør per fane: til-behandling (utkast), innsendt, bokført."
)
def list_(
    tab: Annotated[
        str | None,
        typer.Option(
            help="til-behandling (eller utkast), innsendt eller bokført; også draft, "
            "submitted, booked."
        ),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            help="Bare én tilstand: til behandling, innsendt, sendt, kvittert, utbetalt eller "
            "bokført (også draft, submitted, sent, receipted, paid, booked)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        only = state_of(state)
        found = views.settlements(database(), tab_of(tab))
        if only is not None:
            found = [s for s in found if s.state is only]
        if as_json:
            print_json([settlement_dict(s) for s in found])
            return
        result = table(
            f"Oppgjør ({len(found)})",
            ("nr", FIXED), ("type", TEXT), ("dato", FIXED), ("status", TEXT),
            ("antall", AMOUNT), ("sum", AMOUNT), ("versjon", AMOUNT), ("blokk.", AMOUNT),
        )  # fmt: skip
        for s in found:
            result.add_row(
                str(s.id), s.type.value, f"{s.date:%d.%m.%Y}", s.label, format_count(s.count),
                format_nok(s.total), str(s.version),
                "" if s.control_blocking is None else str(s.control_blocking),
            )  # fmt: skip
        out.print(result)


@settlement_app.command("show", help="Et oppgjør med regninger, funn og historikk.")
def show(
    settlement_id: Id,
    limit: Annotated[int, typer.Option(min=1, help="Vis høyst så mange regninger (og funn).")] = 50,
    show_all: Annotated[bool, typer.Option("--all", help="Vis alle regninger og funn.")] = False,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        d = views.detail(database(), settlement_id)
        if as_json:
            print_json(
                {
                    **settlement_dict(d.settlement),
                    "claims": [
                        {
                            **claim_dict(c),
                            "findings": [f.as_dict() for f in d.findings.get(c.id, [])],
                        }
                        for c in d.claims
                    ],
                    "settlement_findings": [f.as_dict() for f in d.findings.get(None, [])],
                    "findings_current": d.findings_current,
                    "copayment_registrations": [
                        {
                            "claim": r.claim_number,
                            "paid_on": r.paid_on.isoformat(),
                            "correction": r.correction,
                        }
                        for r in d.registrations
                    ],
                    "events": [
                        {
                            "at": e.at.isoformat(),
                            "actor": e.actor,
                            "action": e.action,
                            "before": e.before,
                            "after": e.after,
                            "detail": e.detail,
                        }
                        for e in d.events
                    ],
                }
            )
            return
        print_settlement(d.settlement, False)
        shown = d.claims if show_all else d.claims[:limit]
        out.print(claims_table(shown, "Regninger", len(d.claims)))
        if len(shown) < len(d.claims):
            out.print(
                f"Viser {len(shown)} av {len(d.claims)} regninger; se alle med --all "
                f"(eller --limit N)."
            )
        findings = [f for fs in d.findings.values() for f in fs]
        if findings and not d.findings_current:
            out.print("[yellow]Funnene er fra en eldre versjon; kjør kontroll på nytt.[/]")
        print_findings(findings if show_all else findings[:limit])
        if not show_all and len(findings) > limit:
            out.print(f"Viser {limit} av {len(findings)} funn; se alle med --all.")
        if d.registrations:
            out.print(f"Betalte egenandeler med: {len(d.registrations)}")
        events = table(
            "Historikk", ("når", FIXED), ("hvem", TEXT), ("hva", TEXT), ("ny status", TEXT),
            ("detaljer", TEXT),
        )  # fmt: skip
        for e in d.events:
            events.add_row(
                f"{e.at:%d.%m.%Y %H:%M}", Text(e.actor), EVENT_LABELS.get(e.action, e.action),
                state_label(e.after) if e.after != e.before else "", Text(e.detail),
            )  # fmt: skip
        out.print(events)


@settlement_app.command("mark", help="Markér regninger: periode, alle/ingen eller enkeltregninger.")
def mark(
    settlement_id: Id,
    all_: Annotated[bool, typer.Option("--all", help="Alle regninger som venter.")] = False,
    none: Annotated[bool, typer.Option("--none", help="Fjern alle regninger.")] = False,
    from_: Annotated[str | None, typer.Option("--from", help="Periode fra (dato).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Periode til (dato).")] = None,
    add: Annotated[list[str] | None, typer.Option("--add", help="Regningsnumre å ta med.")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Regningsnumre å ta ut.")
    ] = None,
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        if (from_ is None) != (to is None):
            raise UseCaseError("Oppgi både --from og --to for en periode.")
        first, last = day_option(from_), day_option(to)
        period = (first, last) if first and last else None
        selection = st.Selection(all_, none, period, claim_numbers(add), claim_numbers(remove))
        s = st.mark(
            database(),
            settlement_id,
            selection,
            expected=version,
            actor=actor_name(user),
            now=now(),
        )
        print_settlement(s, as_json)


@settlement_app.command("date", help="Endre oppgjørsdato.")
def change_date(
    settlement_id: Id,
    date: Annotated[str, typer.Argument(help="Ny dato.")],
    version: Version = None,
    user: User = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        day = day_option(date)
        assert day is not None
        s = st.change_date(
            database(), settlement_id, day, expected=version, actor=actor_name(user), now=now()
        )
        print_settlement(s, as_json)


@settlement_app.command("control", help="Kontrollér utkastet; funnene lagres med versjonen.")
def control(
    settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
) -> None:
    with handled(as_json):
        report = st.control(
            database(), settlement_id, expected=version, actor=actor_name(user), now=now()
        )
        if as_json:
            print_json(
                {
                    **settlement_dict(report.settlement),
                    "blocking": report.blocking,
                    "warnings": report.warnings,
                    "findings": [{**f.as_dict(), "claim_id": cid} for cid, f in report.findings],
                }
            )
        else:
            print_findings([f for _, f in report.findings][:100])
            print_settlement(report.settlement, False)
            style = SEVERITY_STYLE["BLOCKING"] if report.blocking else "green"
            out.print(f"[{style}]{report.blocking} blokkerende[/], {report.warnings} advarsler.")
            if report.blocking:
                out.print(f"Rett funnene, eller: oppgjor settlement move-blocked {settlement_id}")
    if report.blocking:  # saved with BLOCKING findings (README: exit 4)
        raise typer.Exit(SAVED_WITH_BLOCKING)


def _simple(action: Any, help_text: str, name: str) -> None:
    @settlement_app.command(name, help=help_text)
    def command(
        settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
    ) -> None:
        with handled(as_json):
            s = action(
                database(), settlement_id, expected=version, actor=actor_name(user), now=now()
            )
            print_settlement(s, as_json)


_simple(st.submit, "Send inn: lås et kontrollert utkast uten blokkerende funn.", "submit")
_simple(st.unlock, "Lås opp (Markér som ikke innsendt), mulig til oppgjøret er sendt.", "unlock")


@settlement_app.command("move-blocked", help="Flytt regninger med blokkerende funn ut av utkastet.")
def move_blocked(
    settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
) -> None:
    with handled(as_json):
        s, moved = st.move_blocked_out(
            database(), settlement_id, expected=version, actor=actor_name(user), now=now()
        )
        if as_json:
            print_json({**settlement_dict(s), "moved": moved})
            return
        out.print(f"Flyttet ut {len(moved)} regninger; de venter på neste oppgjør.")
        print_settlement(s, False)


@settlement_app.command("delete", help="Slett et utkast; regningene venter igjen, urørt.")
def delete(
    settlement_id: Id, version: Version = None, user: User = None, as_json: JsonOption = False
) -> None:
    with handled(as_json):
        st.delete(database(), settlement_id, expected=version, actor=actor_name(user), now=now())
        if as_json:
            print_json({"deleted": settlement_id})
        else:
            out.print(f"Oppgjør {settlement_id} er slettet; regningene venter på neste oppgjør.")
