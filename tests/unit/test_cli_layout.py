"""Tables for people (cli/layout.py): they fit the width they are given and never break a
number written with spaces between the thousands, in any cell."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from oppgjor.cli import render
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, breaks, say, table
from oppgjor.core.findings import FindingCode, Severity

AMOUNTS = ["1 165 490,16", "73 865,42", "2 935,50", "-1 000,00"]


def rendered(thing, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(thing)
    return console.file.getvalue().splitlines()


@pytest.mark.parametrize("width", [44, 57, 64, 80])
def test_text_wraps_between_words_and_never_inside_a_number(width):
    text = "utbetalt " + " og ".join(AMOUNTS) + ", 286 regninger i oppgjør 3 (kontrollert)"
    result = table("Historikk", ("når", FIXED), ("detaljer", TEXT), ("sum", AMOUNT))
    result.add_row("31.10.2026 15:00", text, "1 165 490,16")
    lines = rendered(result, width)
    assert all(len(line) <= width for line in lines)
    for amount in AMOUNTS:
        assert any(amount in line for line in lines), (amount, lines)
    assert any("31.10.2026 15:00" in line for line in lines)


def test_a_line_of_prose_keeps_its_numbers_whole():
    console = Console(file=io.StringIO(), width=40, color_system=None)
    say(console, "Oppgjør 3 NPR BKM FBV: Bokført, 284 regninger, 809 400,00 kr (versjon 11)")
    lines = console.file.getvalue().splitlines()
    assert any("809 400,00 kr" in line for line in lines) and len(lines) > 1


def test_breaks_fold_a_word_longer_than_the_line():
    assert breaks("a" * 25, 10) == [10, 20]
    assert breaks("sum 12 345,00", 9) == [4]


def test_findings_show_norwegian_severities_and_whole_amounts():
    code = FindingCode("X_TEST", Severity.BLOCKING, "test")
    finding = code(
        "Summen av regningene er 1 165 490,16, men utbetalingen var 1 165 400,00; sjekk "
        "utbetalingsvedtaket.",
        "oppgjør[3]",
    )
    console = Console(file=io.StringIO(), width=80, color_system=None)
    render.print_findings([finding], console)
    lines = console.file.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("BLOKKERENDE" in line for line in lines)
    assert not any("BLOCKING" in line for line in lines)
    assert any("1 165 490,16" in line for line in lines)
    assert any("1 165 400,00" in line for line in lines)


def test_field_labels_are_norwegian_for_every_column_of_every_kind():
    from oppgjor.app.clinic.kinds import KINDS

    for kind in KINDS.values():
        if kind.rows is not None:
            for column in kind.rows.columns:
                assert column in render.FIELD_LABELS, (kind.key, column)
