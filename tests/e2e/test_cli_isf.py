"""The `isf` commands: deadlines, pricing, a year without public values, a bad settings file."""

import json
from decimal import ROUND_HALF_UP, Decimal

from typer.testing import CliRunner

from oppgjor.cli.main import app
from oppgjor.core.money import format_nok

runner = CliRunner()


def test_deadlines_and_price(tmp_path):
    shown = json.loads(runner.invoke(app, ["isf", "deadlines", "--year", "2022", "--json"]).output)
    assert [d["first"] for d in shown] == ["2022-05-03", "2022-09-02", "2023-01-03"]
    assert runner.invoke(app, ["isf", "deadlines", "--year", "2010"]).exit_code == 1
    result = runner.invoke(app, ["isf", "price", "--year", "2020", "--points", "-155,11", "--json"])
    assert json.loads(result.output)["kroner"] == "-3552639.44"


def test_a_year_without_values_needs_a_settings_file(tmp_path):
    refused = runner.invoke(app, ["isf", "price", "--year", "2021", "--points", "10"])
    assert refused.exit_code == 1 and "somatic.unit_price" in refused.output
    settings = tmp_path / "isf.yaml"
    settings.write_text("2021:\n  somatic: {unit_price: 47000, share: 0.5}\n")
    args = ["isf", "price", "--year", "2021", "--points", "10", "--settings", str(settings)]
    assert json.loads(runner.invoke(app, [*args, "--json"]).output)["kroner"] == "235000.00"
    settings.write_text("2021:\n  somatic: {unit_price: lots}\n")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 2 and "ikke et tall" in bad.output


def test_demo_activity_computed_with_summary_and_findings(tmp_path):
    activity, summary, out = tmp_path / "a.csv", tmp_path / "s.csv", tmp_path / "p.parquet"
    made = runner.invoke(app, ["isf", "demo", "--year", "2020", "--records", "500",
                               "--output", str(activity)])  # fmt: skip
    assert made.exit_code == 0 and activity.read_text().count("\n") == 501
    args = ["isf", "compute", "--year", "2020", "--input", str(activity)]
    done = runner.invoke(app, [*args, "--summary", str(summary), "--output", str(out), "--json"])
    assert done.exit_code == 0, done.output
    shown = json.loads(done.output)
    assert shown["records"] == 500 and shown["bad_rows"] == []
    assert shown["findings"] == sum(shown["findings_by_code"].values())
    lines = summary.read_text().splitlines()
    assert lines[0] == "area,month,code,institution,records,points,kroner"
    codes = {line.split(",")[2] for line in lines[1:]}
    assert {"HT02", "HT03", "442"} <= codes  # care pathways and ordinary DRGs
    points = sum(Decimal(line.split(",")[5]) for line in lines[1:])
    assert Decimal(shown["totals"]["somatic"]["points"]) == points
    assert Decimal(shown["totals"]["somatic"]["kroner"]) == (
        points * 45808 * Decimal("0.5")
    ).quantize(Decimal("0.01"))  # rounded once, from the summed points
    refused = runner.invoke(app, ["isf", "demo", "--year", "2020", "--records", "0",
                                  "--output", str(activity)])  # fmt: skip
    assert refused.exit_code == 1


def test_compute_reads_an_npr_message(tmp_path):
    message = tmp_path / "npr.xml"
    message.write_text(
        '<Melding versjon="57.0.1"><Institusjon institusjonID="974589095">'
        '<Objektholder pasientNr="9001"><Episode innDatoTid="2020-03-01T08:00:00" '
        'omsorgsniva="3" drg="908O"><Kontakt kontaktType="2" stedAktivitet="1">'
        '<Helseperson polUtforende="1"/></Kontakt></Episode>'
        '<Episode innDatoTid="2020-03-02" drg="908O"/></Objektholder></Institusjon></Melding>',
        encoding="utf-8",
    )
    done = runner.invoke(app, ["isf", "compute", "--year", "2020", "--input", str(message),
                               "--json"])  # fmt: skip
    shown = json.loads(done.output)
    assert done.exit_code == 4  # computed, a bad row left out
    assert shown["records"] == 1 and shown["totals"]["somatic"]["points"] == "0.050"
    assert shown["bad_rows"] == [[1, "Episode mangler Kontakt"]]
    broken = tmp_path / "broken.xml"
    broken.write_text("<Melding><Institusjon>", encoding="utf-8")
    failed = runner.invoke(app, ["isf", "compute", "--year", "2020", "--input", str(broken)])
    assert failed.exit_code == 1 and "ikke gyldig XML" in failed.output


def test_a_run_split_by_patient_partition_adds_up_to_the_whole(tmp_path):
    """Care pathways and team codes look across a patient's records; split by patient, the
    parts still add up to exactly the whole run."""
    activity = tmp_path / "a.csv"
    runner.invoke(app, ["isf", "demo", "--year", "2020", "--records", "3000",
                        "--output", str(activity)])  # fmt: skip
    whole = tmp_path / "whole.csv"
    base = ["isf", "compute", "--year", "2020", "--input", str(activity)]
    assert runner.invoke(app, [*base, "--summary", str(whole)]).exit_code == 0
    parts = []
    for k in range(3):
        part = tmp_path / f"part{k}.csv"
        done = runner.invoke(app, [*base, "--partition", f"{k}/3", "--summary", str(part),
                                   "--json"])  # fmt: skip
        assert done.exit_code == 0, done.output
        assert 0 < json.loads(done.output)["records"] < 3000
        parts.append(part)
    combined = tmp_path / "combined.csv"
    done = runner.invoke(app, ["isf", "combine", "--year", "2020", "--summary", str(combined),
                               *map(str, parts)])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert combined.read_text() == whole.read_text()
    for wrong in ("3/3", "x", "1/0"):
        refused = runner.invoke(app, [*base, "--partition", wrong])
        assert refused.exit_code == 1 and "partisjon" in refused.output.lower()
    not_summary = runner.invoke(app, ["isf", "combine", "--year", "2020", "--summary",
                                      str(tmp_path / "x.csv"), str(activity)])  # fmt: skip
    assert not_summary.exit_code == 1 and "ikke et ISF-sammendrag" in not_summary.output
    assert not (tmp_path / "x.csv").exists()


def test_the_top_codes_table_prices_a_codes_summed_points_once(tmp_path):
    """Three stays of one DRG in three months are three summary rows; the table's kroner for
    the DRG come from its summed points, rounded once, not from the rows' rounded kroner."""
    weight, unit_price, share = Decimal("1.234"), Decimal(45808), Decimal("0.5")
    table, settings, activity = tmp_path / "w.csv", tmp_path / "isf.yaml", tmp_path / "a.csv"
    table.write_text("code,system,area,weight,trim_point,day_weight,day,outpatient,surgical\n"
                     f"442,DRG,somatic,{weight},,,0,0,0\n")  # fmt: skip
    settings.write_text(f"2020:\n  somatic: {{unit_price: {unit_price}, share: {share}}}\n")
    activity.write_text(
        "patient_id,institution,date_in,date_out,drg,care_level\n"
        + "".join(f"P{m},HF1,2020-0{m}-10,2020-0{m}-12,442,1\n" for m in (1, 2, 3))
    )
    cent = Decimal("0.01")
    once = (3 * weight * unit_price * share).quantize(cent, rounding=ROUND_HALF_UP)
    per_row = 3 * (weight * unit_price * share).quantize(cent, rounding=ROUND_HALF_UP)
    assert once != per_row  # the records do tell the two apart
    done = runner.invoke(app, ["isf", "compute", "--year", "2020", "--input", str(activity),
                               "--weights", str(table), "--settings", str(settings)])  # fmt: skip
    assert done.exit_code == 0, done.output
    top = done.output[done.output.index("Største koder") :]
    row = next(line for line in top.splitlines() if line.split()[:1] == ["442"])
    nbsp = "\u00a0"  # Norwegian numbers: 3,702 points, digit groups joined unbreakably
    assert "3,702" in row and format_nok(once).replace(" ", nbsp) in row
    assert format_nok(per_row).replace(" ", nbsp) not in done.output
