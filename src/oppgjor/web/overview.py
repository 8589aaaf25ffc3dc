"""Oversikt: the start page. Cards with what waits (each linking to where it is handled) and
approved against paid per month; a role sees only what it may read."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response

from oppgjor.access.domain.roles import Permission
from oppgjor.app.helfo import dashboard
from oppgjor.web.charts import BarChart, bar_chart
from oppgjor.web.deps import Page, page
from oppgjor.web.render import maaned, render

router = APIRouter()
SUBMITTED_TAB = "/oppgjor?fane=innsendt"


@dataclass(frozen=True)
class Card:
    key: str  # the card's id on the page
    title: str
    count: int
    text: str  # what the count is, in words
    href: str | None = None  # where it is handled (None: the role may not go there)
    link: str = ""


def _one_or_tab(ids: list[int]) -> str:
    """One settlement: its page; several: the submitted tab."""
    return f"/oppgjor/{ids[0]}" if len(ids) == 1 else SUBMITTED_TAB


def claim_cards(ctx: Page) -> list[Card]:
    own = ctx.principal.practitioner_ref if ctx.principal.own_only else None
    figures = dashboard.claim_figures(ctx.db, ctx.now, own)
    href = "/oppgjor" if ctx.may(Permission.SETTLEMENTS_READ) else None
    return [
        Card("utloper", "Regninger som snart foreldes", figures.expiring,
             "ikke sendt inn, frist hos Helfo innen 30 dager", href, "Lag oppgjør"),
        Card("egenandeler", "Egenandeler på overtid", figures.overdue_copayments,
             "betalte egenandeler som ikke er meldt til Helfo i tide", href, "Til oppgjør"),
    ]  # fmt: skip


def settlement_cards(ctx: Page) -> list[Card]:
    figures = dashboard.settlement_figures(ctx.db)
    rejected = list(figures.rejected)
    return [
        Card("avviste", "Avviste regninger til retting", figures.rejected_claims,
             f"i {len(rejected)} oppgjør" if rejected else "ingen venter på retting",
             _one_or_tab(rejected), "Rett avviste"),
        Card("ubesvart", "Sendt, ikke besvart", len(figures.unanswered),
             "oppgjør sendt til Helfo uten svar ennå", _one_or_tab(figures.unanswered),
             "Se innsendte"),
        Card("avvik", "Utbetaling med avvik", len(figures.differing),
             "utbetalingen er ikke lik det Helfo godkjente", _one_or_tab(figures.differing),
             "Avgjør avviket"),
    ]  # fmt: skip


def month_chart(ctx: Page) -> tuple[BarChart, list[dashboard.Month]]:
    months = dashboard.by_month(ctx.db, ctx.now.date())
    chart = bar_chart(
        [maaned(m.first).split()[0][:3] for m in months],
        {"Godkjent": [m.approved for m in months], "Utbetalt": [m.paid for m in months]},
    )
    return chart, months


@router.get("/")
def overview(ctx: Page = page(None)) -> Response:
    cards: list[Card] = []
    calendar = chart = months = None
    if ctx.may(Permission.CLAIMS_READ):
        calendar = dashboard.next_dates(ctx.now.date())
        cards += claim_cards(ctx)
    if ctx.may(Permission.SETTLEMENTS_READ):
        cards += settlement_cards(ctx)
        chart, months = month_chart(ctx)
    return render(ctx, "overview.html", section="oversikt", calendar=calendar, cards=cards,
                  chart=chart, months=months)  # fmt: skip
