"""Issue 12 §5: ISF input a controller can trust. Records outside the run's year, definitions
of another year, a settings file with a share outside 0-1, the shipped synthetic weights, bad
rows (exit code 4, said first), the progress bar kept off stdout, DRG names next to the codes,
and numbers as Norwegians write them in 80 columns."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

import reference
from oppgjor.app.isf import runs
from oppgjor.cli.main import app

runner = CliRunner()
NBSP = "\u00a0"
NORDDRG = reference.path("reference", "isf", "norddrg")
NAMES = reference.path("reference", "isf", "codes", "drg_names_2022.csv")
WEIGHTS = "code,system,area,weight,trim_point,day_weight,day,outpatient,surgical,name\n"


def activity(tmp_path, rows, name="a.csv"):
    path = tmp_path / name
    path.write_text("patient_id,institution,date_in,date_out,drg,care_level\n" + rows)
    return path


def weights(tmp_path, name=""):
    path = tmp_path / "w.csv"
    path.write_text(WEIGHTS + f"442,DRG,somatic,2.000,,,0,0,0,{name}\n")
    return path


def compute(*args):
    return runner.invoke(app, ["isf", "compute", *map(str, args)])


def test_records_outside_the_year_are_findings_left_out_of_the_totals(tmp_path):
    path = activity(tmp_path, "P1,HF1,2020-03-01,2020-03-02,442,1\n"
                              "P2,HF1,2019-12-30,2020-01-02,442,1\n"  # discharged in 2020
                              "P3,HF1,2021-02-01,2021-02-03,442,1\n"
                              "P4,HF1,2019-05-01,,442,3\n")  # fmt: skip
    done = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path), "--json")
    shown = json.loads(done.output)
    assert done.exit_code == 4, done.output  # computed, with records left out
    assert shown["records"] == 2 and shown["findings_by_code"] == {"ISF_OUTSIDE_YEAR": 2}
    assert shown["totals"]["somatic"]["points"] == "4.000"
    human = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path)).output
    assert "ISF_OUTSIDE_YEAR: 2" in human
    # said first, before the tables (found trying it as a user: only at the end)
    assert human.splitlines()[0].startswith("2 poster i a.csv er fra et annet år enn 2020")


def test_a_2021_run_on_2020_activity_prices_nothing_and_says_why(tmp_path):
    path = tmp_path / "a.csv"
    runner.invoke(app, ["isf", "demo", "--year", "2020", "--records", "50", "--output", str(path)])
    settings = tmp_path / "isf.yaml"
    settings.write_text("2021:\n  somatic: {unit_price: 47000, share: 0.5}\n")
    done = compute("--year", 2021, "--input", path, "--settings", settings, "--json")
    shown = json.loads(done.output)
    assert shown["records"] == 0 and shown["findings_by_code"] == {"ISF_OUTSIDE_YEAR": 50}
    assert done.exit_code == 4


@reference.needed
def test_definitions_of_another_year_give_a_warning(tmp_path):
    path = activity(tmp_path, "P1,HF1,2020-03-01,2020-03-02,442,1\n")
    base = ["--year", 2020, "--input", path, "--weights", weights(tmp_path)]
    plain = json.loads(compute(*base, "--json").output)
    assert plain["warnings"] == []
    zip_2015 = NORDDRG / "DefinitionData_NOR_2015_Pr1cN.zip"
    shown = json.loads(compute(*base, "--definitions", zip_2015, "--json").output)
    assert len(shown["warnings"]) == 1 and "2015" in shown["warnings"][0]
    assert "2020" in shown["warnings"][0]
    human = compute(*base, "--definitions", zip_2015).output
    assert "ADVARSEL" in human and human.index("ADVARSEL") < human.index("ISF 2020")


@pytest.mark.parametrize("share", ["5", "-0.1", "1.5", "50"])
def test_a_share_outside_0_to_1_is_refused_with_the_expected_shape(tmp_path, share):
    settings = tmp_path / "isf.yaml"
    settings.write_text(f"2021:\n  somatic: {{unit_price: 47000, share: {share}}}\n")
    path = activity(tmp_path, "P1,HF1,2021-03-01,2021-03-02,442,1\n")
    out = tmp_path / "ut.csv"
    refused = compute("--year", 2021, "--input", path, "--settings", settings, "--output", out)
    assert refused.exit_code == 2
    assert "2021.somatic.share" in refused.output and "utenfor 0–1" in refused.output
    assert "somatic: {unit_price: 47000, share: 0.5}" in refused.output  # the expected shape
    assert not out.exists()
    price = runner.invoke(app, ["isf", "price", "--year", "2021", "--points", "1",
                                "--settings", str(settings)])  # fmt: skip
    assert price.exit_code == 2 and "Forventet form" in price.output


def test_the_shipped_synthetic_weights_are_named_above_the_total_and_in_json(tmp_path):
    path = activity(tmp_path, "P1,HF1,2020-03-01,2020-03-02,442,1\n")
    demo = compute("--year", 2020, "--input", path)
    assert demo.exit_code == 0
    assert "SYNTETISKE" in demo.output and demo.output.index("SYNTETISKE") < demo.output.index(
        "ISF 2020"
    )
    assert json.loads(compute("--year", 2020, "--input", path, "--json").output)[
        "synthetic_weights"
    ]
    real = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path))
    assert "SYNTETISKE" not in real.output
    shown = json.loads(
        compute("--year", 2020, "--input", path, "--weights", weights(tmp_path), "--json").output
    )
    assert shown["synthetic_weights"] is False


def test_bad_rows_give_exit_code_4_and_are_counted_first(tmp_path):
    path = activity(tmp_path, "P1,HF1,2020-03-01,2020-03-02,442,1\n"
                              ",HF1,2020-03-01,,442,1\nP3,HF1,ikke-dato,,442,1\n")  # fmt: skip
    done = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path))
    assert done.exit_code == 4
    first = " ".join(done.output.splitlines()[:2])  # one sentence, wrapped at 80 columns
    assert first.startswith("2 rader i a.csv kunne ikke brukes") and "under tabellene" in first
    assert "linje 3" in done.output and "linje 4" in done.output
    as_json = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path), "--json")
    assert as_json.exit_code == 4 and len(json.loads(as_json.output)["bad_rows"]) == 2
    assert "4" in runner.invoke(app, ["isf", "compute", "--help"]).output


@reference.needed
def test_names_are_shown_next_to_the_codes(tmp_path):
    path = activity(tmp_path, "P1,HF1,2020-03-01,2020-03-02,442,1\n")
    named = weights(tmp_path, name="Operasjoner etter skade")
    shown = json.loads(compute("--year", 2020, "--input", path, "--weights", named,
                               "--json").output)  # fmt: skip
    assert shown["top_codes"][0] == {"code": "442", "name": "Operasjoner etter skade",
                                     "points": "2.000", "kroner": "45808.00"}  # fmt: skip
    listed = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path),
                     "--names", NAMES, "--json")  # fmt: skip
    assert json.loads(listed.output)["top_codes"][0]["name"] == "Operasjoner etter skade ITAD m/bk"
    human = compute("--year", 2020, "--input", path, "--weights", weights(tmp_path),
                    "--names", NAMES).output  # fmt: skip
    assert "Operasjoner etter skade" in human
    bad = tmp_path / "names.csv"
    bad.write_text("drg;navn\n442;x\n")
    refused = compute("--year", 2020, "--input", path, "--names", bad)
    assert refused.exit_code == 1 and "code,text" in refused.output


@reference.needed
def test_numbers_as_norwegians_write_them_within_80_columns(tmp_path):
    price = runner.invoke(app, ["isf", "price", "--year", "2020", "--points", "155,11"])
    assert f"155,11 poeng = 3{NBSP}552{NBSP}639,44 kr" in price.output
    assert "somatikk" in price.output
    path = tmp_path / "a.csv"
    runner.invoke(app, ["isf", "demo", "--year", "2020", "--records", "3000",
                        "--output", str(path)])  # fmt: skip
    done = compute("--year", 2020, "--input", path, "--names", NAMES)
    assert done.exit_code == 0, done.output
    assert all(len(line) <= 80 for line in done.output.splitlines())
    shown = json.loads(compute("--year", 2020, "--input", path, "--json").output)
    total = Decimal(shown["totals"]["somatic"]["kroner"])
    whole, cents = f"{total:,.2f}".split(".")
    assert f"{whole.replace(',', NBSP)},{cents}" in done.output  # one unbroken number
    assert "område" in done.output and "poeng" in done.output and "area" not in done.output


def test_progress_is_told_each_stage_for_every_input_kind(tmp_path):
    csv_path = activity(tmp_path, "P1,HF1,2020-03-01,2020-03-02,442,1\n")
    parquet = tmp_path / "a.parquet"
    runner.invoke(app, ["isf", "demo", "--year", "2020", "--records", "20",
                        "--output", str(parquet)])  # fmt: skip
    xml = tmp_path / "npr.xml"
    xml.write_text(
        '<Melding versjon="57.0.1"><Institusjon institusjonID="974589095">'
        '<Objektholder pasientNr="9001"><Episode innDatoTid="2020-03-01T08:00:00" '
        'omsorgsniva="3" drg="908O"><Kontakt kontaktType="2" stedAktivitet="1">'
        '<Helseperson polUtforende="1"/></Kontakt></Episode></Objektholder></Institusjon>'
        "</Melding>",
        encoding="utf-8",
    )
    for path, kind in ((csv_path, "CSV"), (parquet, "Parquet"), (xml, "NPR-melding (XML)")):
        told: list[str] = []
        runs.compute(2020, path, output=tmp_path / "ut.csv", step=told.append)
        assert told == [f"leser {kind}", "beregner poeng", "oppsummerer", "skriver resultat"]
        done = compute("--year", 2020, "--input", path, "--json")
        assert json.loads(done.output)["records"] >= 1  # stdout is the JSON only
        human = compute("--year", 2020, "--input", path).output
        assert "leser" not in human  # the bar is on stderr, and only on a terminal
