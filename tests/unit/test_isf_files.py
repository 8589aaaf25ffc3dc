"""The ISF file formats in isf.adapters: the summary CSV round-trips, and a file of another
shape is refused with a message that names the file and line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oppgjor.isf.adapters import settings_file, summary_file
from oppgjor.isf.adapters.batch import SummaryRow


def test_a_summary_reads_back_what_was_written_except_kroner(tmp_path):
    path = tmp_path / "sammendrag.csv"
    written = [
        SummaryRow("somatic", "2020-03", "442", "HF1", 3, Decimal("16.500"), Decimal("377916.00")),
        SummaryRow("phv_tsb", "2020-04", "TD11", "HF2", 1, Decimal("0.125"), None),
    ]
    summary_file.write(written, path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(summary_file.HEADER)
    read = summary_file.read(path)
    assert [(r.area, r.month, r.code, r.institution, r.records, r.points) for r in read] == [
        (r.area, r.month, r.code, r.institution, r.records, r.points) for r in written
    ]
    assert all(r.kroner is None for r in read)  # computed again from summed points


@pytest.mark.parametrize(
    "text, message",
    [
        ("patient_id,institution\nP1,HF1\n", "s.csv er ikke et ISF-sammendrag fra oppgjor."),
        (",".join(summary_file.HEADER) + "\nsomatic,2020-03,442,HF1,tre,1.000,\n",
         "s.csv linje 2: ugyldig tall."),
        (",".join(summary_file.HEADER) + "\nsomatic,2020-03,442,HF1\n",
         "s.csv linje 2: ugyldig tall."),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_summary_is_refused_by_name(tmp_path, text, message):
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(summary_file.SummaryFileError) as refused:
        summary_file.read(path)
    assert str(refused.value) == message


def test_settings_give_the_years_values_and_refuse_an_unknown_area(tmp_path):
    path = tmp_path / "isf.yaml"
    path.write_text("2021:\n  somatic: {unit_price: 47000, share: 0.5}\n", encoding="utf-8")
    assert settings_file.read(path, 2021) == {"somatic": {"unit_price": 47000, "share": 0.5}}
    assert settings_file.read(path, 2022) == {}
    path.write_text("2021:\n  dental: {unit_price: 1, share: 1}\n", encoding="utf-8")
    with pytest.raises(settings_file.SettingsError, match="ukjent område «dental» for 2021"):
        settings_file.read(path, 2021)
