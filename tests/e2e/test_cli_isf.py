"""The `isf` commands: deadlines, pricing, a year without public values, a bad settings file."""

import json

from typer.testing import CliRunner

from oppgjor.cli.main import app

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
    assert bad.exit_code == 1 and "ikke et tall" in bad.output
