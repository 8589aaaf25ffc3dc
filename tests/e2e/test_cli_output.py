"""Human output a person can read (issue 12 §6): every table fits an 80-column terminal and
never breaks an amount or a date; headers, severities and counts in Norwegian, amounts as
Norwegians write them; settlement tabs as the user says them; ``--version``; ``settlement
book`` says what it wrote; ``settlement show`` says how many of how many it shows."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib.metadata import version

import pytest

from cli_helpers import js
from oppgjor.cli import render
from oppgjor.core.money import format_nok

WIDTH = 80


@pytest.fixture
def narrow():
    """The screen is 80 columns wide (as COLUMNS=80 in a terminal)."""
    before = render.out.width, render.err.width
    render.out.width = render.err.width = WIDTH
    yield
    render.out.width, render.err.width = before


def lines_of(result) -> list[str]:
    assert result.exit_code in (0, 1, 4), result.output
    lines = result.output.splitlines()
    too_wide = [line for line in lines if len(line) > WIDTH]
    assert not too_wide, too_wide
    return lines


def shown_whole(lines: list[str], text: str) -> bool:
    return any(text in line for line in lines)


HUMAN_COMMANDS = [
    *[(kind, "list") for kind in
      ("department", "practitioner", "patient", "referrer", "tariff", "series", "appointment")],
    ("overview",),
    ("patient-overview", "P0001", "--limit", "10"),
    ("settlement", "list"),
    ("settlement", "show", "1"),
    ("settlement", "payouts"),
    ("claim", "waiting", "--limit", "20"),
    ("claim", "expiring", "--days", "400"),
    ("claim", "outstanding"),
    ("claim", "rejections"),
    ("claim", "copayments"),
    ("helfo", "calendar"),
    ("patient", "show", "P0001"),
    ("history", "series", "S001"),
    ("history", "settlement", "1"),
    ("isf", "deadlines", "--year", "2022"),
]  # fmt: skip


@pytest.mark.parametrize("args", HUMAN_COMMANDS, ids=" ".join)
def test_every_human_table_fits_80_columns(cli, narrow, args):
    lines = lines_of(cli(*args))
    assert lines
    # a date is never cut or broken: dd.mm. is always followed by its year
    assert not [line for line in lines if re.search(r"\b\d{2}\.\d{2}\.(?!\d{4})", line)]


def test_amounts_and_dates_are_never_broken_at_80_columns(cli, narrow):
    settlements = js(cli("settlement", "list", "--json"))
    lines = lines_of(cli("settlement", "list"))
    for s in settlements:
        assert shown_whole(lines, format_nok(Decimal(s["total"]))), s["total"]
        day = s["date"].split("-")
        assert shown_whole(lines, ".".join(reversed(day)))
    waiting = js(cli("claim", "waiting", "--json"))
    total = sum(Decimal(c["refund"]) for c in waiting)
    assert Decimal("1000") < total  # thousands, written with spaces
    assert shown_whole(lines_of(cli("claim", "waiting")), f"{format_nok(total)} kr")
    tariffs = lines_of(cli("tariff", "list"))
    assert shown_whole(tariffs, "2 935,50")  # the FBV day (DEMO), with a space and a comma
    assert not shown_whole(tariffs, "2935.50")
    shown = lines_of(cli("settlement", "show", "1"))
    detail = js(cli("settlement", "show", "1", "--json"))
    assert shown_whole(shown, format_nok(Decimal(detail["total"])))
    for claim in detail["claims"][:50]:
        time = claim["time"]
        assert shown_whole(shown, f"{time[8:10]}.{time[5:7]}.{time[:4]} {time[11:16]}")


def test_headers_severities_and_counts_are_norwegian(cli, narrow, tmp_path):
    practitioners = "\n".join(lines_of(cli("practitioner", "list")))
    assert "navn" in practitioners and "HPR-nr" in practitioners
    assert "hpr_number" not in practitioners and "ref " not in practitioners
    appointments = "\n".join(lines_of(cli("appointment", "list")))
    assert "behandler" in appointments and "practitioner_ref" not in appointments
    assert "møtt" in appointments and "attended" not in appointments
    bad = tmp_path / "d.csv"
    bad.write_text("ref,name,org_nr\nD7,Avd,123\n", encoding="utf-8")
    human = cli("department", "import", str(bad))
    assert human.exit_code == 1
    assert "BLOKKERENDE" in human.output and "BLOCKING" not in human.output
    machine = cli("department", "import", str(bad), "--json")
    assert machine.exit_code == 1 and '"severity": "BLOCKING"' in machine.output


def test_demo_seed_counts_in_norwegian(tmp_path, monkeypatch, narrow):
    from typer.testing import CliRunner

    from oppgjor.cli.main import app

    monkeypatch.setenv("OPPGJOR_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    result = CliRunner().invoke(app, ["demo", "seed"])
    lines = lines_of(result)
    assert "  avdelinger: 2" in lines and "  avtaler: 2 984" in lines
    assert not any("departments" in line for line in lines)


@pytest.mark.parametrize(
    "said, tab",
    [("til-behandling", "draft"), ("Utkast", "draft"), ("innsendt", "submitted"),
     ("INNSENDT", "submitted"), ("bokført", "booked"), ("bokfort", "booked"),
     ("Bokført", "booked"), ("booked", "booked")],
)  # fmt: skip
def test_tabs_as_the_user_says_them(cli, said, tab):
    assert js(cli("settlement", "list", "--tab", said, "--json")) == js(
        cli("settlement", "list", "--tab", tab, "--json")
    )


def test_an_unknown_tab_is_a_usage_error_listing_the_tabs(cli):
    result = cli("settlement", "list", "--tab", "sendt")
    assert result.exit_code == 2
    for name in ("til-behandling", "innsendt", "bokført"):
        assert name in result.output


def test_a_state_as_the_list_shows_it_and_an_unknown_one_refused(cli):
    """Found trying it as a user: `--state innsendt` listed nothing, without a word."""
    every = js(cli("settlement", "list", "--json"))
    drafts = [s["id"] for s in every if s["state"] == "draft"]
    assert drafts
    for said in ("draft", "til behandling", "Til-behandling"):
        assert [s["id"] for s in js(cli("settlement", "list", "--state", said, "--json"))] == (
            drafts
        )
    unknown = cli("settlement", "list", "--state", "kanskje")
    assert unknown.exit_code == 2 and "innsendt (submitted)" in " ".join(unknown.output.split())


def test_the_practice_is_shown_with_norwegian_labels(cli, narrow):
    shown = cli("practice", "show").output
    assert "org.nr" in shown and "org_nr" not in shown


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(cli, flag):
    result = cli(flag)
    assert result.exit_code == 0
    assert result.output.strip() == f"oppgjor {version('oppgjor')}"


def test_settlement_show_says_how_many_it_shows_and_how_to_see_all(cli, narrow):
    detail = js(cli("settlement", "show", "1", "--json"))
    count = len(detail["claims"])
    assert count > 50
    default = cli("settlement", "show", "1")
    assert f"Viser 50 av {count} regninger" in default.output
    assert "--all" in default.output and f"Regninger (50 av {count})" in default.output
    every = cli("settlement", "show", "1", "--all")
    assert f"Regninger ({count})" in every.output and "Viser" not in every.output
    five = cli("settlement", "show", "1", "--limit", "5")
    assert f"Viser 5 av {count} regninger" in five.output
    assert cli("settlement", "show", "1", "--limit", "0").exit_code == 2
    assert len(js(cli("settlement", "show", "1", "--json"))["claims"]) == count


def _booked_settlement(cli) -> str:
    sid = str(js(cli("settlement", "new", "--type", "bkm", "--json"))["id"])
    js(cli("settlement", "mark", sid, "--all", "--json"))
    if js(cli("settlement", "control", sid, "--json"))["blocking"]:
        js(cli("settlement", "move-blocked", sid, "--json"))
        js(cli("settlement", "control", sid, "--json"))
    js(cli("settlement", "submit", sid, "--json"))
    js(cli("settlement", "sent", sid, "--ref", "MSG-1", "--json"))
    js(cli("settlement", "receipt", sid, "--json"))  # all approved
    total = js(cli("settlement", "show", sid, "--json"))["total"]
    js(cli("settlement", "pay", sid, "--amount", total, "--date", "2026-12-01", "--json"))
    return sid


def test_settlement_book_says_what_it_wrote(cli, narrow, tmp_path):
    sid = _booked_settlement(cli)
    total = format_nok(Decimal(js(cli("settlement", "show", sid, "--json"))["total"]))
    count = js(cli("settlement", "show", sid, "--json"))["count"]
    out = tmp_path / "bok.csv"
    result = cli("settlement", "book", sid, "--output", str(out))
    lines = lines_of(result)
    text = " ".join(result.output.split())
    assert str(out) in text
    written = out.read_text(encoding="utf-8").splitlines()[1:]
    assert f"{len(written)} posteringer" in text and len(written) == count + 1
    bank = next(line for line in lines if line.startswith("1920"))
    income = next(line for line in lines if line.startswith("3100"))
    amount = re.escape(total)
    assert re.fullmatch(rf"1920 +1 +{amount} +0,00", bank.strip())  # debit
    assert re.fullmatch(rf"3100 +{count} +0,00 +{amount}", income.strip())  # credit
