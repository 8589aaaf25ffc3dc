"""Generated malformed import files (issue 11 §3).

``malformed`` draws a variant of one kind's good row (the round-trip samples) with one defect
of the kinds that broke the imports: wrong bytes for the encoding, values longer than their
column, numbers that are not numbers or do not fit, impossible dates, characters that cannot
be stored, deep or wrongly shaped JSON, CSV fields over the csv module's limit, duplicates.
Every variant is refused with findings (never any other exception), names no full national
id, and leaves the database as it was; through the CLI it exits 1 with the findings as JSON.
``mutated`` damages good files at random bytes: whatever comes of it is a report or a
rejection, never a traceback.
"""

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from integration.test_record_kinds import FNR, SAMPLES
from oppgjor.app import installation
from oppgjor.app.clinic import records
from oppgjor.app.clinic.kinds import KINDS
from oppgjor.app.errors import Rejected
from oppgjor.cli.main import app
from oppgjor.store import Database
from oppgjor.store.limits import field_limits

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
PLACEHOLDER = "QQQPLACEHOLDERQQQ"
LETTERS = "abcdefghijklmnopqrstuvwxyzæøåABCXYZÆØÅ0123456789-."
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
CHOICES = {"id_type", "kind", "status", "diagnosis_system", "modules"}
BOOLEANS = {"reports_npr_bkm", "active", "fbv"}
REQUIRED = {
    "departments": ["ref", "name"],
    "practitioners": ["ref", "name", "profession"],
    "patients": ["ref", "id_value", "first_name", "last_name"],
    "referrers": ["ref", "name"],
    "tariffs": ["code", "specialty", "fee", "refund", "copayment", "valid_from"],
    "series": ["ref", "patient_ref"],
    "appointments": ["practitioner_ref", "patient_ref", "start", "end"],
}
DATES = {
    "patients": ["birth_date"],
    "tariffs": ["valid_from", "valid_to"],
    "series": ["start_date", "end_date", "referral_date", "rights_assessment_date"],
    "appointments": ["start", "end"],
}
BAD_DATES = ["0001-01-01", "9999-12-31", "1799-12-31", "3000-01-01", "2026-02-30", "2026-13-01",
             "31.12.99999", "2026-1-1x", "١٩٨٠-٠١-٠١"]  # fmt: skip
BAD_AMOUNTS = ["1e30", "-1e30", "NaN", "Infinity", "-Infinity", "sNaN", "1e9999999999", "1.2.3",
               "--5", "-5", "-0.01", "1e20"]  # fmt: skip
BAD_COUNTS = ["0", "-1", "1.5", "1e3", "2147483648", "1_0", "٣", "NaN", "Infinity"]
BAD_LINES = ["A2a*0", "A2a*-1", "A2a*1000", "A2a*", "*2", "A2a**2", "A2a*٣", "A2a*1_0",
             "A2a*99999999999"]  # fmt: skip
NUMERIC = {"fee": BAD_AMOUNTS, "refund": BAD_AMOUNTS, "copayment": BAD_AMOUNTS,
           "max_per_patient_day": BAD_COUNTS, "lines": BAD_LINES}  # fmt: skip


def good_row(kind):
    return dict(zip(KINDS[kind].rows.columns, SAMPLES[kind].split(","), strict=True))


def render(rows, fmt, delimiter=","):
    if fmt == "json":
        return json.dumps(rows)  # ASCII: a lone surrogate is written as its escape
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(rows[0].keys())
    writer.writerows(row.values() for row in rows)
    return buf.getvalue()


def limited(kind):
    """The free-text columns with a length limit, and the limit."""
    limits = field_limits(kind)
    found = {}
    for column in KINDS[kind].rows.columns:
        limit = limits.get(column) or limits.get(f"{column}.code")
        if limit is not None and limit.length is not None and column not in CHOICES:
            found[column] = limit.length
    return found


class Variant:
    """One malformed file: its bytes, format and the encoding to give (None: detect)."""

    def __init__(self, kind, data, fmt, encoding=None, defect=""):
        self.kind, self.data, self.fmt, self.encoding, self.defect = (
            kind, data, fmt, encoding, defect
        )  # fmt: skip

    def __repr__(self):
        return f"Variant({self.kind}, {self.fmt}, {self.defect}, {self.data[:300]!r})"


@st.composite
def malformed(draw):
    kind = draw(st.sampled_from(list(SAMPLES)))
    fmt = draw(st.sampled_from(["csv", "json"]))
    row = good_row(kind)
    defects = [too_long, bad_character, missing, wrong_bytes, duplicate]
    defects += [bad_number] if set(NUMERIC) & set(row) else []
    defects += [bad_date] if kind in DATES else []
    defects += [bad_choice] if (CHOICES | BOOLEANS) & set(row) else []
    defects += [json_shape] if fmt == "json" else [csv_shape]
    defects += [same_identity] if kind == "patients" else []
    defect = draw(st.sampled_from(defects))
    return defect(draw, kind, fmt, row)


def _encoded(draw, text):
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])))


def too_long(draw, kind, fmt, row):
    column, length = draw(st.sampled_from(sorted(limited(kind).items())))
    size = length + draw(st.integers(1, 300))
    row[column] = draw(st.text(LETTERS, min_size=size, max_size=size))
    return Variant(kind, _encoded(draw, render([row], fmt)), fmt, defect=f"long {column}")


def bad_character(draw, kind, fmt, row):
    column = draw(st.sampled_from(list(row)))
    chars = CONTROLS + (["\ud800", "\udfff"] if fmt == "json" else [])
    row[column] = "a" + draw(st.sampled_from(chars)) + "b" + row[column]
    data = render([row], fmt).encode("utf-8")
    return Variant(kind, data, fmt, defect=f"character in {column}")


def missing(draw, kind, fmt, row):
    column = draw(st.sampled_from(REQUIRED[kind]))
    row[column] = draw(st.sampled_from(["", " ", "\t"]))
    return Variant(kind, render([row], fmt).encode(), fmt, defect=f"missing {column}")


def wrong_bytes(draw, kind, fmt, row):
    column = draw(st.sampled_from(sorted(limited(kind))))
    row[column] = PLACEHOLDER
    encoding, bad = draw(
        st.sampled_from(
            [
                (None, b"ab\x81cd"), (None, b"\x8d"), (None, b"x\x8f"), (None, b"\x90\x9d"),
                ("utf-8", b"Kj\xe6rsti"), ("utf-8", b"\xf8"), ("ascii", "Ødegård".encode()),
                ("utf-8", b"\xed\xa0\x80"),
            ]
        )
    )  # fmt: skip
    data = render([row], fmt).encode().replace(PLACEHOLDER.encode(), bad)
    return Variant(kind, data, fmt, encoding, defect=f"bytes {bad!r} in {column}")


def duplicate(draw, kind, fmt, row):
    return Variant(kind, render([row, dict(row)], fmt).encode(), fmt, defect="same key twice")


def same_identity(draw, kind, fmt, row):
    other = dict(row, ref="P2", first_name="Ola")
    other["id_value"] = draw(st.sampled_from([FNR, f"{FNR[:6]} {FNR[6:]}"]))
    return Variant(kind, render([row, other], fmt).encode(), fmt, defect="same national id")


def bad_number(draw, kind, fmt, row):
    column = draw(st.sampled_from(sorted(set(NUMERIC) & set(row))))
    value = draw(st.sampled_from(NUMERIC[column]) | st.just("9" * draw(st.integers(11, 6000))))
    if column == "lines" and not value.startswith(("A", "*")):
        value = "A2a*" + value
    raw = fmt == "json" and column != "lines" and _is_json_number(value) and draw(st.booleans())
    row[column] = PLACEHOLDER if raw else value
    text = render([row], fmt).replace(f'"{PLACEHOLDER}"', value)
    return Variant(kind, text.encode(), fmt, defect=f"{column} = {value[:20]}")


def _is_json_number(value):
    if value in ("NaN", "Infinity", "-Infinity"):
        return True
    try:
        json.loads(value, parse_float=str, parse_int=str)
    except ValueError:
        return False
    return True


def bad_date(draw, kind, fmt, row):
    column = draw(st.sampled_from(DATES[kind]))
    value = draw(st.sampled_from(BAD_DATES))
    row[column] = value + (" 08:00" if kind == "appointments" else "")
    return Variant(kind, render([row], fmt).encode(), fmt, defect=f"{column} = {value}")


def bad_choice(draw, kind, fmt, row):
    column = draw(st.sampled_from(sorted((CHOICES | BOOLEANS) & set(row))))
    row[column] = draw(st.sampled_from(["XYZ", "kanskje", "fnr ", "[/x]", "nullx"]))
    return Variant(kind, render([row], fmt).encode(), fmt, defect=f"choice {column}")


def csv_shape(draw, kind, fmt, row):
    shape = draw(st.sampled_from(["huge field", "unknown column", "column twice", "empty"]))
    if shape == "huge field":
        column = draw(st.sampled_from(list(row)))
        row[column] = "x" * draw(st.integers(131_073, 140_000))
        text = render([row], fmt, draw(st.sampled_from([",", ";"])))
    elif shape == "unknown column":
        text = render([{**row, draw(st.text(LETTERS, min_size=1, max_size=40)): "1"}], fmt)
    elif shape == "column twice":
        first = next(iter(row))
        text = render([row], fmt).replace("\n", f",{first}\n", 1)
    else:
        text = ""
    return Variant(kind, text.encode(), fmt, defect=shape)


def json_shape(draw, kind, fmt, row):
    shape = draw(st.sampled_from(["deep", "nested value", "not a list", "cut", "constant"]))
    column = draw(st.sampled_from(list(row)))
    if shape == "deep":
        depth = draw(st.integers(1_100, 50_000))
        text = "[" * depth + "]" * depth
    elif shape in ("nested value", "constant"):
        depth = draw(st.integers(1, 900))
        raw = "[" * depth + "]" * depth if shape == "nested value" else "NaN"
        row[column] = PLACEHOLDER
        text = render([row], fmt).replace(f'"{PLACEHOLDER}"', raw)
    elif shape == "not a list":
        text = draw(
            st.sampled_from(['{"x": 1}', "1", '"tekst"', "null", "[1, 2]", '[{"a": 1}, 2]'])
        )
    else:
        full = render([row], fmt)
        text = full[: draw(st.integers(0, len(full) - 1))]
    return Variant(kind, text.encode(), fmt, defect=shape)


@pytest.fixture
def stocked(db):
    installation.set_test_installation(db, True)
    for kind in SAMPLES:
        text = ",".join(KINDS[kind].rows.columns) + "\n" + SAMPLES[kind] + "\n"
        assert records.import_text(db, kind, text).created == 1, kind
    return db


def snapshot(db):
    return {kind: records.export_text(db, kind, "json") for kind in SAMPLES}


def assert_findings_are_safe(findings):
    assert any(f.blocking for f in findings)
    for f in findings:
        assert FNR not in f.message and FNR not in f.location, f
        assert len(f.message) < 2_000, f


@FUZZ
@given(variant=malformed())
def test_malformed_files_are_refused_and_change_nothing(stocked, variant):
    before = snapshot(stocked)
    with pytest.raises(Rejected) as caught:
        records.import_file(
            stocked, variant.kind, variant.data, variant.fmt, encoding=variant.encoding
        )
    assert_findings_are_safe(caught.value.findings)
    assert snapshot(stocked) == before


@settings(FUZZ, max_examples=60)
@given(variant=malformed())
def test_malformed_files_exit_1_with_findings_through_the_cli(tmp_path, monkeypatch, variant):
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    db = Database(url)
    if not records.list_records(db, "departments"):
        installation.set_test_installation(db, True)
        for kind in SAMPLES:
            text = ",".join(KINDS[kind].rows.columns) + "\n" + SAMPLES[kind] + "\n"
            records.import_text(db, kind, text)
    before = snapshot(db)
    monkeypatch.setenv("OPPGJOR_DATABASE_URL", url)
    path = tmp_path / f"fil.{variant.fmt}"
    path.write_bytes(variant.data)
    args = [KINDS[variant.kind].name, "import", str(path), "--json"]
    result = CliRunner().invoke(app, args + (["-e", variant.encoding] if variant.encoding else []))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["findings"]
    assert FNR not in result.output
    assert snapshot(db) == before
    db.dispose()


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(list(SAMPLES)))
    fmt = draw(st.sampled_from(["csv", "json"]))
    data = bytearray(render([good_row(kind)], fmt).encode())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        if how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif how == "replace":
            data[at : at + 1] = draw(st.binary(min_size=1, max_size=1))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 40))] * draw(st.integers(2, 50))
    return kind, bytes(data), fmt


@FUZZ
@given(case=mutated())
def test_damaged_files_give_a_report_or_a_rejection(stocked, case):
    kind, data, fmt = case
    try:
        report = records.import_file(stocked, kind, data, fmt)
    except Rejected as exc:
        assert_findings_are_safe(exc.findings)
    else:
        assert report.rows >= 0
