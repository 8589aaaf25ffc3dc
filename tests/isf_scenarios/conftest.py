"""YAML scenarios for the ISF year rules: one record, priced in each year side by side.

Each file holds ``scenarios``: a ``name``, and either a ``record`` (the documented activity
columns; the date is set to 1 March of each year) with ``expect`` per year as one mapping, or
``records`` (a patient's records together; ``date_in``/``date_out`` as ``MM-DD`` in each year)
with ``expect`` per year as a list, one mapping per record. Keys: ``drg``, ``tfg``,
``points`` (3 decimals), ``counted``, ``finding`` (the code at the start of the finding, or
``null``), ``applied`` (text that the record's ``rules`` must contain) and ``in_pathway_of``
(the index of the record whose care pathway this record belongs to, or ``null``). Weights:
the shipped synthetic demo table.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from oppgjor.isf.adapters import batch
from oppgjor.isf.domain import weights


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml":
        return IsfFile.from_parent(parent, path=file_path)
    return None


class IsfFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        for spec in yaml.safe_load(self.path.read_text(encoding="utf-8"))["scenarios"]:
            single = "record" in spec
            for year, expected in spec["expect"].items():
                yield IsfItem.from_parent(
                    self, name=f"{spec['name']} [{year}]",
                    records=[spec["record"]] if single else spec["records"], year=int(year),
                    expected=[expected] if single else expected,
                )  # fmt: skip


def _record(given: dict[str, Any], year: int) -> dict[str, str | None]:
    record = {k: None if v is None else str(v) for k, v in given.items()}
    record.setdefault("patient_id", "P1")
    record.setdefault("institution", "HF1")
    record.setdefault("date_in", "03-01")
    for key in ("date_in", "date_out"):
        if record.get(key):
            record[key] = f"{year}-{record[key]}"
    return record


class IsfItem(pytest.Item):
    def __init__(
        self, *, records: list[dict[str, Any]], year: int, expected: list[dict[str, Any]], **kw: Any
    ):
        super().__init__(**kw)
        self.records, self.year, self.expected = records, year, expected

    def runtest(self) -> None:
        assert len(self.expected) == len(self.records), "one expectation per record"
        good, bad = batch.split(batch.frame_of([_record(r, self.year) for r in self.records]))
        assert bad.collect().height == 0, bad.collect().to_dicts()
        priced = batch.price(good, weights.shipped("demo"), "demo", self.year).collect()
        rows = priced.sort("row").to_dicts()
        for n, (row, expected) in enumerate(zip(rows, self.expected, strict=True)):
            self._check(n, row, expected, rows)

    def _check(
        self, n: int, row: dict[str, Any], expected: dict[str, Any], rows: list[dict[str, Any]]
    ) -> None:
        for key, wanted in expected.items():
            if key == "points":
                actual: Any = Decimal(str(row["points"]))
                wanted = Decimal(str(wanted))
            elif key == "finding":
                actual = row["finding"].split(":")[0] if row["finding"] else None
            elif key == "applied":
                actual, wanted = wanted in row["rules"], True
            elif key == "in_pathway_of":
                actual = row["pathway"]
                if wanted is not None:
                    index, wanted = wanted, rows[wanted]["pathway"]
                    assert wanted is not None, f"record {index} opened no care pathway"
            else:
                actual = row[key]
            if actual != wanted:
                raise AssertionError(
                    f"{self.name}: record {n}: {key} is {actual!r}, expected {wanted!r}"
                )

    def repr_failure(self, excinfo):  # type: ignore[no-untyped-def]
        return str(excinfo.value)

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, 0, self.name
