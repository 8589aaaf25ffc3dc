"""The NordDRG-format grouper: the regression set on the 2015 tables (read from ../shared,
never copied), and the decision-table semantics on a small hand-written table."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

import reference
from oppgjor.cli.main import app
from oppgjor.isf.domain.grouper.definitions import LOGIC_COLUMNS, Definitions
from oppgjor.isf.domain.grouper.matching import group, parse_case

NORDDRG = reference.path("reference", "isf", "norddrg")
TABLES = NORDDRG / "DefinitionData_NOR_2015_Pr1cN.zip"
CASES = NORDDRG / "grouper_testcases_small.csv"


@pytest.fixture(scope="module")
def defs_2015():
    reference.require()
    return Definitions.load(TABLES)


def regression_cases():
    rows = csv.reader(CASES.open(encoding="utf-8-sig"), delimiter=";")
    next(rows)
    return [pytest.param(r[1], r[2], r[3], id=f"case-{r[0]}") for r in rows]


@pytest.mark.parametrize("drg, row, text", reference.cases(regression_cases, 3))
def test_the_regression_set_groups_to_the_expected_drg_and_row(defs_2015, drg, row, text):
    found = group(parse_case(text), defs_2015)
    assert found is not None and (found.drg, found.ord) == (drg, row)


@reference.needed
def test_the_cli_reports_passes_and_failures(tmp_path):
    runner = CliRunner()
    args = ["isf", "group", "--definitions", str(NORDDRG), "--cases"]
    ok = runner.invoke(app, [*args, str(CASES)])
    assert ok.exit_code == 0 and ok.output.strip().endswith("67 stemmer, 0 avviker")
    lines = CASES.read_text(encoding="utf-8-sig").splitlines()
    wrong = lines[1].split(";")
    wrong[2] = "000D000000"  # expect another row than the one that fires
    broken = tmp_path / "cases.csv"
    broken.write_text("\n".join([lines[0], ";".join(wrong), *lines[2:]]), encoding="utf-8")
    failed = runner.invoke(app, [*args, str(broken)])
    assert failed.exit_code == 1 and failed.output.strip().endswith("66 stemmer, 1 avviker")
    bad = tmp_path / "bad.csv"
    bad.write_text("RegelNr;DRGKode\n1;477;x;2,3,H\n", encoding="utf-8")
    assert runner.invoke(app, [*args, str(bad)]).exit_code == 1


def test_a_short_case_string_is_refused():
    with pytest.raises(ValueError, match="felt"):
        parse_case("2,19398,H,4")


# -- semantics on a hand-written table ------------------------------------------------------

BLANK = {k: "" for k in LOGIC_COLUMNS}


def row(**values):
    return {**BLANK, "rtc": "0", **values}


TABLE = {
    "drglogic": [
        row(ord="A", drg="1A", procpro1="10S01", **{"or": "S"}, compl="1"),
        row(ord="B", drg="1B", procpro1="10S01", **{"or": "S"}),
        row(ord="C", drg="2", dgcat1="10M01", agelim="<6575", sex="F"),
        row(ord="D", drg="3", mdc="10", dur="<2", dgprop1="-10X99"),
        row(ord="E", drg="4", mdc="10"),
        row(ord="F", drg="470", icd="-"),
    ],
    "dg": [
        {"code": "E10", "d_code": "", "vartype": "DGCAT", "varval": "10M01"},
        {"code": "E11", "d_code": "", "vartype": "DGCAT", "varval": "10M02"},
        {"code": "I10", "d_code": "", "vartype": "COMPL", "varval": "05C01"},
        {"code": "I10", "d_code": "", "vartype": "DGPROP", "varval": "10X99"},
    ],
    "proc": [
        {"code": "OP1", "vartype": "PROCPR", "varval": "10S01"},
        {"code": "OP1", "vartype": "OR", "varval": "1"},
    ],
    "complcat": [],
    "complexcl": [],
    "drgnames": [{"drg": "1A", "mdc": "10"}],
}


def case(sex="2", age=5000, los=5, dx=("E10",), procs=()):
    fields = [sex, str(age), "H", str(los), ""]
    for n in range(30):
        fields += [dx[n] if n < len(dx) else "", ""]
    # the 30 pairs are fields 5-64; procedures are fields 65-163
    fields += list(procs) + [""] * (99 - len(procs))
    return parse_case(",".join(fields))


@pytest.fixture(scope="module")
def table():
    return Definitions.from_tables("test", TABLE)


def test_first_matching_row_in_table_order(table):
    with_cc = group(case(dx=("E10", "I10"), procs=("OP1",)), table)
    assert (with_cc.drg, with_cc.ord, with_cc.mdc) == ("1A", "A", "10")
    without = group(case(procs=("OP1",)), table)
    assert without.drg == "1B"  # no complication: row A's CC criterion fails


def test_age_sex_duration_and_negated_properties(table):
    assert group(case(), table).drg == "2"
    assert group(case(sex="1"), table).drg == "4"  # row C is for women
    assert group(case(age=7000), table).drg == "4"  # 18 years (6575 days) or older
    assert group(case(dx=("E11",), los=1), table).drg == "3"
    with_prop = case(dx=("E11", "I10"), los=1)
    assert group(with_prop, table).drg == "4"  # row D forbids property 10X99


def test_no_valid_main_diagnosis(table):
    assert group(case(dx=("XXX",)), table).drg == "470"


# -- follow-up (Z08/Z09) with a sex-specific secondary diagnosis ------------------------------


def follow_up(main, secondary, sex, los=0):
    dx = (main, secondary) if secondary else (main,)
    return case(sex=sex, age=12000, los=los, dx=dx)


@pytest.mark.parametrize(
    "main, secondary, sex, los, drg, row",
    [
        # the 2015 table's own rows for a follow-up of a sex-specific (98X99) condition
        ("Z091", "A560", "1", 0, "912O", "125D032023"),
        ("Z091", "A560", "2", 0, "913O", "125D032024"),
        ("Z098", "S302", "1", 0, "912O", "125D032023"),
        ("Z091", "A560", "1", 3, "352", "423D0633"),
        ("Z091", "A560", "2", 3, "369", "423D0634"),
        # a condition of one sex only (12X99) and other MDCs keep their rows
        ("Z091", "C61", "1", 0, "912O", "125D032013"),
        ("Z091", "S525", "1", 0, "908O", "125D032008"),
        ("Z091", "", "1", 0, "923O", "197D230900"),
        # a sex-specific principal diagnosis: its category is still recoded to the MDC
        ("A560", "", "1", 0, "912O", "197D120900"),
        ("A560", "", "2", 0, "913O", "197D130900"),
    ],
)
def test_a_follow_up_groups_through_the_row_for_its_secondary_diagnosis(
    defs_2015, main, secondary, sex, los, drg, row
):
    found = group(follow_up(main, secondary, sex, los), defs_2015)
    assert found is not None and (found.drg, found.ord) == (drg, row)


@reference.needed
def test_tables_without_rows_for_sex_specific_properties_recode_them():
    defs_2016 = Definitions.load(NORDDRG / "DefinitionData_NOR_2016_PR1cN.zip")
    assert not defs_2016.names_sex_specific_properties
    found = group(follow_up("Z091", "A560", "1"), defs_2016)
    assert (found.drg, found.ord) == ("912O", "125D032013")  # 2016 dropped the 98X99 rows


SEXED = {
    **TABLE,
    "drglogic": [
        row(ord="M", drg="12", dgprop1="12X99", sex="M"),
        row(ord="S", drg="12", dgprop1="98X99", sex="M"),
    ],
    "dg": [
        {"code": "A56", "d_code": "", "vartype": "DGCAT", "varval": "98M03"},
        {"code": "A56", "d_code": "", "vartype": "DGPROP", "varval": "98X99"},
    ],
}


def test_a_sex_specific_property_is_kept_only_where_the_table_names_it():
    named = Definitions.from_tables("named", SEXED)
    assert named.names_sex_specific_properties
    assert group(case(sex="1", dx=("A56",)), named).ord == "S"
    unnamed = Definitions.from_tables("unnamed", {**SEXED, "drglogic": SEXED["drglogic"][:1]})
    assert not unnamed.names_sex_specific_properties
    assert group(case(sex="1", dx=("A56",)), unnamed).ord == "M"
