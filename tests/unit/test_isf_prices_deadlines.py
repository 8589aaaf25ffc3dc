"""ISF prices (the 2020 worked examples to the øre, refusal of years without public values)
and NPR deadlines (the published 2019, 2020 and 2022 tables)."""

from __future__ import annotations

import csv
import datetime
import re
from decimal import Decimal

import pytest

import reference
from oppgjor.isf.domain import deadlines, prices
from oppgjor.isf.domain.prices import Area, MissingPrices, Prices

ISF = reference.path("reference", "isf", "isf")


def worked_examples():
    rows = csv.DictReader((ISF / "worked_examples_2020.csv").open(encoding="utf-8"))
    for row in rows:
        check = re.match(r"(-?[\d.]+) x (\d+)(?: x ([\d.]+))? = (-?[\d.]+)", row["formula_check"])
        if check:
            yield row["case"], check.groups()


@pytest.mark.parametrize("case, numbers", reference.cases(worked_examples, 2))
def test_the_2020_worked_examples_reproduce_to_the_ore(case, numbers):
    points, price, share, expected = numbers
    if share is None:  # written as points x (price x share)
        assert Decimal(price) == Decimal("45808") * Decimal("0.50")
    assert Prices.for_year(2020, {}).refund(Decimal(points), Area.SOMATIC) == Decimal(expected)


def test_a_year_without_public_values_is_refused_by_name_and_can_be_supplied():
    with pytest.raises(MissingPrices, match=r"somatic\.unit_price"):
        Prices.for_year(2021, {}).refund(Decimal("1"), Area.SOMATIC)
    assert prices.missing(2022, {}) == ["somatic.unit_price/share", "phv_tsb.unit_price/share"]
    supplied = {"somatic": {"unit_price": "47000", "share": "0.5"}}
    price = Prices.for_year(2021, supplied)
    assert price.refund(Decimal("2.0004"), Area.SOMATIC) == Decimal("47000.00")
    assert price.area(Area.SOMATIC).source == "settings"
    assert Prices.for_year(2020, {}).area(Area.SOMATIC).source == "published"
    with pytest.raises(MissingPrices, match="phv_tsb"):  # 2020 PHV/TSB share is not public
        Prices.for_year(2020, {}).refund(Decimal("1"), Area.PHV_TSB)


def test_points_in_two_areas_are_priced_each_at_its_own_price_and_rounded_once():
    supplied = {"somatic": {"unit_price": "45808", "share": "0.5"},
                "phv_tsb": {"unit_price": "45808", "share": "0.5"}}  # fmt: skip
    price = Prices.for_year(2021, supplied)
    both = {Area.SOMATIC: Decimal("0.001"), Area.PHV_TSB: Decimal("0.001")}
    assert price.refund_by_area(both) == Decimal("45.81")  # 2 × 22.904, rounded once
    assert price.refund(Decimal("0.001"), Area.SOMATIC) == Decimal("22.90")
    with pytest.raises(MissingPrices, match="phv_tsb"):
        Prices.for_year(2020, {}).refund_by_area(both)


def published_2019_2020():
    rows = csv.DictReader((ISF / "npr_reporting_deadlines_2019_2020.csv").open(encoding="utf-8"))
    for row in rows:
        if "avtalespesialister" in row["what"]:
            continue  # a separate deadline for contract specialists, not the general rule
        _, end = row["period"].split("..")
        yield (
            datetime.date.fromisoformat(end),
            row["what"],
            datetime.date.fromisoformat(row["date"]),
        )


@pytest.mark.parametrize("period_end, what, date", reference.cases(published_2019_2020, 3))
def test_computed_deadlines_match_the_published_2019_and_2020_dates(period_end, what, date):
    found = {d.period_end: d for y in (period_end.year,) for d in deadlines.deadlines(y)}
    deadline = found[period_end]
    expected = deadline.final if "2. gangs" in what else deadline.first
    assert expected == date


# shared/seeds/003, «Følgende frister gjelder for rapportering av aktivitetsdata for 2022»
PUBLISHED_2022 = [
    (1, "03.05.2022", "24.05.2022"),
    (2, "02.09.2022", "23.09.2022"),
    (3, "03.01.2023", "02.02.2023"),
]


def test_computed_deadlines_match_the_published_2022_table():
    def day(text):
        return datetime.datetime.strptime(text, "%d.%m.%Y").date()

    computed = [(d.tertial, d.first, d.final) for d in deadlines.deadlines(2022)]
    assert computed == [(t, day(a), day(b)) for t, a, b in PUBLISHED_2022]
    assert all(d.period_start == datetime.date(2022, 1, 1) for d in deadlines.deadlines(2022))


def test_deadlines_skip_holidays_in_any_year():
    for year in range(2019, 2031):
        for d in deadlines.deadlines(year):
            assert d.first.weekday() < 5 and d.final > d.first
            assert "npr_first_delivery_working_day@" in d.rule
