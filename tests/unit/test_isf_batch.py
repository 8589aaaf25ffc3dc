"""The ISF batch engine: bad rows reported by line and reason, unknown DRGs as findings,
points and kroner for a year with and without public prices, CSV and Parquet input."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from oppgjor.app.errors import UseCaseError
from oppgjor.app.isf import runs as isf_app
from oppgjor.isf.adapters import batch
from oppgjor.isf.domain import weights

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
    by_drg = {r.code: r for r in result.summary}
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
    other_year = isf_app.compute(2021, activity, settings=settings)  # 2020 activity
    assert not other_year.summary and other_year.findings_by_code["ISF_OUTSIDE_YEAR"] == 3
    activity.write_text(ACTIVITY.replace("2020-", "2021-"), encoding="utf-8")
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
    import reference

    norddrg = reference.require("reference", "isf", "norddrg")
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
    drgs = {r.code for r in result.summary}
    assert drgs == {"477", "470"} and result.records == 2  # no diagnosis: ungroupable (470)
    with pytest.raises(UseCaseError, match="definisjonsdata"):
        isf_app.compute(2020, path, regroup=True)


def test_a_year_before_the_rules_is_refused(activity, tmp_path):
    settings = tmp_path / "isf.yaml"
    settings.write_text("2019:\n  somatic: {unit_price: 44000, share: 0.5}\n", "utf-8")
    with pytest.raises(UseCaseError, match="ISF-reglene for 2019"):
        isf_app.compute(2019, activity, settings=settings)


HEADER = "code,system,area,weight,trim_point,day_weight,day,outpatient,surgical\n"


def _priced(records, table, year=2021):
    good, bad = batch.split(batch.frame_of(records))
    assert bad.collect().height == 0
    return batch.price(good, table, "test", year).collect().to_dicts()


def test_a_pathway_whose_tfg_has_no_weight_is_not_formed():
    rows_text = "209E,DRG,somatic,2.800,,,0,0,1\n908O,DRG,somatic,0.050,,,0,1,0\n"
    table = weights.parse(HEADER + rows_text, "w.csv")
    rows = _priced(
        [
            {
                "patient_id": "P1",
                "institution": "HF1",
                "date_in": "2021-02-01",
                "drg": "908O",
                "main_condition": "M161",
                "care_level": "3",
                "health_personnel": "1",
            },
            {
                "patient_id": "P1",
                "institution": "HF1",
                "date_in": "2021-03-01",
                "drg": "209E",
                "care_level": "1",
            },
        ],
        table,
    )
    assert [r["pathway"] for r in rows] == [None, None]
    assert [str(r["points"]) for r in rows] == ["0.050", "2.800"]
    assert rows[1]["finding"].startswith("ISF_WEIGHT_UNKNOWN")


def test_a_team_code_without_a_weight_is_a_finding_not_a_guess():
    table = weights.parse(HEADER + "908O,DRG,somatic,0.050,,,0,1,0\n", "w.csv")
    rows = _priced(
        [{"patient_id": "P1", "institution": "HF1", "date_in": "2021-03-01",
          "date_out": "2021-03-31", "drg": "908O", "special_codes": "B0044", "care_level": "3",
          "health_personnel": "1"}],
        table,
    )  # fmt: skip
    assert str(rows[0]["points"]) == "0.050"
    assert rows[0]["finding"].startswith("ISF_WEIGHT_UNKNOWN: B0044")


def test_the_summary_has_rows_per_drg_stg_and_tfg(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "patient_id,institution,date_in,date_out,drg,main_condition,procedures,care_level,"
        "health_personnel\n"
        "P1,HF1,2020-02-01,,908O,M161,,3,1\n"
        "P1,HF1,2020-03-01,2020-03-05,209E,M161,,1,\n"
        "P2,HF1,2020-03-03,,908O,I10,,3,1\n",
        encoding="utf-8",
    )
    rows = {(r.code, r.month): r for r in isf_app.compute(2020, path).summary}
    assert rows[("HT03", "2020-03")].points == Decimal("6.000")  # the pathway, demo weight
    assert rows[("HT03", "2020-03")].kroner == Decimal("137424.00")  # 6 x 45 808 x 0.5
    assert rows[("908O", "2020-02")].points == 0  # gathered into the pathway
    assert rows[("908O", "2020-03")].points == Decimal("0.050")
    path.write_text(
        "patient_id,institution,date_in,drg,procedures,care_level,ready_for_discharge\n"
        "P1,HF1,2022-03-01,442,WMFG10,1,1\n",
        encoding="utf-8",
    )
    settings = tmp_path / "isf.yaml"
    settings.write_text("2022:\n  somatic: {unit_price: 48000, share: 0.5}\n", "utf-8")
    rows = {r.code: r for r in isf_app.compute(2022, path, settings=settings).summary}
    assert (rows["442"].points, rows["XS08"].points) == (Decimal("5.500"), Decimal("0.040"))


def test_weight_tables_take_special_codes():
    table = weights.parse(HEADER + "B0044,SAERKODE,somatic,0.300,,,0,1,0\n", "w.csv")
    assert table[0].system == "SÆRKODE"
    with pytest.raises(weights.WeightTableError, match="linje 2"):
        weights.parse(HEADER + "B0044,SPECIAL,somatic,0.300,,,0,1,0\n", "w.csv")


def test_a_binary_file_named_csv_is_refused_in_norwegian(tmp_path):
    """A picture uploaded as activity: a clear refusal, not Python's decoding error."""
    path = tmp_path / "aktivitet.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UseCaseError, match="ikke en tekstfil i UTF-8") as caught:
        isf_app.compute(2020, path)
    assert "codec" not in str(caught.value)
