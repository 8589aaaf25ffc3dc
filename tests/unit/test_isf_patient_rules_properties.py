"""Properties of the rules over a patient's records, over random activity: a team code
counts at most once per patient, month and code; every pathway has exactly one trigger and
its members belong to the trigger's patient, institution and year and give no points; the
summary adds up to the records."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from oppgjor.isf.adapters import batch
from oppgjor.isf.domain import prices, weights

CODES = ["209D", "209E", "209U", "209V", "908B", "908O", "923O", "996O", "998O", "981X", "442"]
CONDITIONS = ["M161", "Z478", "S720", "I10"]

record = st.fixed_dictionaries(
    {
        "patient_id": st.sampled_from(["P1", "P2", "P3"]),
        "institution": st.sampled_from(["HF1", "HF2"]),
        "day": st.integers(0, 364),
        "length": st.integers(0, 40),
        "drg": st.sampled_from(CODES),
        "main_condition": st.sampled_from(CONDITIONS),
        "special_codes": st.sampled_from([None, "B0044", "B0045", "B0044 B0045"]),
        "contact_type": st.sampled_from([None, "2", "7"]),
    }
)


def _rows(drawn: list[dict], year: int) -> list[dict[str, str | None]]:
    start = datetime.date(year, 1, 1)
    rows = []
    for r in drawn:
        day_in = start + datetime.timedelta(days=r["day"])
        day_out = min(day_in + datetime.timedelta(days=r["length"]), datetime.date(year, 12, 31))
        rows.append({
            "patient_id": r["patient_id"], "institution": r["institution"],
            "date_in": day_in.isoformat(), "date_out": day_out.isoformat(), "drg": r["drg"],
            "main_condition": r["main_condition"], "special_codes": r["special_codes"],
            "contact_type": r["contact_type"], "care_level": "1" if r["drg"][0] == "2" else "3",
            "health_personnel": "1", "copayment": "1",
        })  # fmt: skip
    return rows


@settings(max_examples=60, deadline=None)
@given(st.lists(record, min_size=1, max_size=25), st.sampled_from([2020, 2021, 2022]))
def test_patient_rules_hold_their_invariants(drawn, year):
    good, bad = batch.split(batch.frame_of(_rows(drawn, year)))
    assert bad.collect().height == 0
    priced = batch.price(good, weights.shipped("demo"), "demo", year).collect()
    out = priced.to_dicts()
    assert len(out) == len(drawn)
    counted = Counter()
    for r in out:
        for code in ("B0044", "B0045"):
            if f"team_special_codes@2020-01-01 {code}" in r["rules"]:
                counted[(r["patient_id"], r["month"], code)] += 1
    assert all(n == 1 for n in counted.values())
    triggers = {r["pathway"]: r for r in out if r["tfg"] is not None}
    assert len(triggers) == sum(1 for r in out if r["tfg"] is not None)  # one per pathway
    for r in out:
        if r["pathway"] is None:
            continue
        trigger = triggers[r["pathway"]]
        assert (r["patient_id"], r["institution"]) == (
            trigger["patient_id"],
            trigger["institution"],
        )
        assert r["date_in"][:4] == trigger["date_in"][:4]
        if r["tfg"] is None:
            assert r["points"] == 0
    assert all(r["points"] >= 0 for r in out)
    somatic = prices.Prices.for_year(2020, {})  # any prices: the sum is what is checked
    summary = batch.summarise(priced.lazy(), somatic)
    assert sum((s.points for s in summary), Decimal(0)) == sum(
        (Decimal(str(r["points"])) for r in out), Decimal(0)
    )
