"""The ISF batch engine: bad rows reported by line and reason, unknown DRGs as findings,
points and kroner for a year with and without public prices, CSV and Parquet input."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from oppgjor.app import isf as isf_app
from oppgjor.app.errors import UseCaseError
from oppgjor.isf import batch, weights

ACTIVITY = """patient_id;institution;date_in;date_out;area;drg;care_level;health_personnel
P1;HF1;2020-03-01;2020-03-04;somatic;442;1;
P2;HF1;2020-03-02;;somatic;908O;3;1
;HF1;2020-03-02;;somatic;908O;3;1
P3;;2020-03-02;;somatic;908O;3;1
P4;HF1;01.03.2020;;somatic;908O;3;1
P5;HF1;2020-03-05;2020-03-01;somatic;908O;1;1
P6;HF1;2020-03-05;;psychiatry;908O;3;1
P7;HF1;2020-03-05;;somatic;;3;1
P8;HF1;2020-03-05;;somatic;908O;9;1
P9;HF2;2020-04-05;;somatic;ZZZZ;3;1
"""


@pytest.fixture
def activity(tmp_path):
    path = tmp_path / "aktivitet.csv"
    path.write_text(ACTIVITY, encoding="utf-8")
    return path


def test_bad_rows_are_reported_with_line_and_reason_and_left_out(activity):
    result = isf_app.compute(2020, activity)
    assert result.bad_rows == [
        (4, "mangler patient_id"),
        (5, "mangler institution"),
        (6, "date_in er ikke en dato (ÅÅÅÅ-MM-DD)"),
        (7, "date_out er før date_in"),
        (8, "area må være somatic eller phv_tsb"),
        (9, "mangler DRG (gruppér først: oppgjor isf group)"),
        (10, "care_level må være 1, 2 eller 3"),
    ]
    assert result.records == 3 and result.findings == 1  # ZZZZ is not in the year's table


def test_points_and_kroner_from_the_weight_table_and_the_years_prices(activity, tmp_path):
    out = tmp_path / "poster.parquet"
    result = isf_app.compute(2020, activity, output=out)
    by_drg = {r.drg: r for r in result.summary}
    assert by_drg["442"].points == Decimal("5.500")  # the demo table's (synthetic) weight
    assert by_drg["442"].kroner == (Decimal("5.500") * 45808 * Decimal("0.5")).quantize(
        Decimal("0.01")
    )
    assert by_drg["ZZZZ"].points == 0
    records = pl.read_parquet(out)
    assert records.height == 3
    assert all(
        r.startswith("weights:weights_demo.csv (SYNTETISK); isf:2020") for r in records["rules"]
    )
    assert records.filter(pl.col("drg") == "ZZZZ")["finding"][0].startswith(
        "ISF_DRG_UNKNOWN_IN_YEAR"
    )


def test_the_confirmed_2020_weight_prices_drg_442(tmp_path):
    table = tmp_path / "vekter.csv"
    table.write_text(
        "code,system,area,weight,trim_point,day_weight,day,outpatient,surgical\n"
        "442,DRG,somatic,5.719,,,0,0,1\n",
        encoding="utf-8",
    )
    assert [w.weight for w in weights.load(table)] == [
        w.weight for w in weights.shipped("confirmed_2020")
    ]
    path = tmp_path / "a.csv"
    path.write_text("patient_id,institution,date_in,drg\nP1,HF1,2020-05-01,442\n", "utf-8")
    result = isf_app.compute(2020, path, weights_file=table)
    assert result.summary[0].kroner == Decimal("130987.98")  # 5.719 x 45 808 x 0.50 = 130 987.976


def test_a_year_without_prices_is_refused_until_supplied(activity, tmp_path):
    with pytest.raises(UseCaseError, match="somatic"):
        isf_app.compute(2021, activity)
    settings = tmp_path / "isf.yaml"
    settings.write_text("2021:\n  somatic: {unit_price: 47000, share: 0.5}\n", "utf-8")
    assert isf_app.compute(2021, activity, settings=settings).summary


def test_unusable_files_give_a_clear_error(tmp_path):
    missing = tmp_path / "x.csv"
    missing.write_text("patient_id,drg\nP1,442\n", "utf-8")
    with pytest.raises(UseCaseError, match="institution"):
        isf_app.compute(2020, missing)
    with pytest.raises(UseCaseError, match="Finner ikke"):
        isf_app.compute(2020, tmp_path / "nope.csv")
    table = tmp_path / "bad.csv"
    table.write_text("code,system,area,weight,trim_point,day_weight,day,outpatient,surgical\n"
                     "442,DRG,somatic,lots,,,0,0,1\n", "utf-8")  # fmt: skip
    with pytest.raises(UseCaseError, match="ikke et tall"):
        isf_app.compute(2020, missing, weights_file=table)


def test_parquet_input_numbers_rows_from_one(tmp_path):
    path = tmp_path / "a.parquet"
    batch.demo_activity(50, 2020).write_parquet(path)
    good, bad = batch.split(batch.read(path))
    assert bad.collect().height == 0
    assert good.select("row").collect()["row"].to_list()[:3] == [1, 2, 3]


def test_records_without_a_drg_are_grouped_with_the_definitions(tmp_path):
    from reference import shared

    norddrg = shared() / "reference" / "isf" / "norddrg"
    # the first regression case (expected DRG 477) as an activity record without a DRG
    path = tmp_path / "a.csv"
    path.write_text(
        "patient_id,institution,date_in,date_out,sex,age_days,main_condition,procedures,drg\n"
        "P1,HF1,2020-03-01,2020-03-05,2,19398,M726,QBJ30,\n"
        "P2,HF1,2020-03-01,2020-03-05,2,19398,,,\n",
        encoding="utf-8",
    )
    table = tmp_path / "w.csv"
    header = "code,system,area,weight,trim_point,day_weight,day,outpatient,surgical\n"
    table.write_text(header + "477,DRG,somatic,0.500,,,0,0,0\n470,DRG,somatic,0.000,,,0,0,0\n")
    result = isf_app.compute(2020, path, weights_file=table, definitions=norddrg)
    drgs = {r.drg for r in result.summary}
    assert drgs == {"477", "470"} and result.records == 2  # no diagnosis: ungroupable (470)
    with pytest.raises(UseCaseError, match="definisjonsdata"):
        isf_app.compute(2020, path, regroup=True)


def test_a_year_before_the_rules_is_refused(activity, tmp_path):
    settings = tmp_path / "isf.yaml"
    settings.write_text("2019:\n  somatic: {unit_price: 44000, share: 0.5}\n", "utf-8")
    with pytest.raises(UseCaseError, match="ISF-reglene for 2019"):
        isf_app.compute(2019, activity, settings=settings)
