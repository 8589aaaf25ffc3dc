"""YAML scenarios for the ISF year rules: one record, priced in each year side by side.

Each file holds ``scenarios``: a ``name``, a ``record`` (the documented activity columns; the
date is set to 1 March of each year) and ``expect`` per year: ``drg``, ``points`` (3
decimals), ``counted``, ``finding`` (the code at the start of the finding, or ``null``) and
``applied`` (text that the record's ``rules`` must contain). Weights: the shipped synthetic
demo table.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from oppgjor.isf import batch, weights


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml":
        return IsfFile.from_parent(parent, path=file_path)
    return None


class IsfFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        for spec in yaml.safe_load(self.path.read_text(encoding="utf-8"))["scenarios"]:
            for year, expected in spec["expect"].items():
                yield IsfItem.from_parent(
                    self, name=f"{spec['name']} [{year}]", record=spec["record"],
                    year=int(year), expected=expected,
                )  # fmt: skip


class IsfItem(pytest.Item):
    def __init__(self, *, record: dict[str, Any], year: int, expected: dict[str, Any], **kw: Any):
        super().__init__(**kw)
        self.record, self.year, self.expected = record, year, expected

    def runtest(self) -> None:
        record = {k: None if v is None else str(v) for k, v in self.record.items()}
        record.setdefault("patient_id", "P1")
        record.setdefault("institution", "HF1")
        record["date_in"] = f"{self.year}-03-01"
        good, bad = batch.split(batch.frame_of([record]))
        assert bad.collect().height == 0, bad.collect().to_dicts()
        rows = batch.price(good, weights.shipped("demo"), "demo", self.year).collect().to_dicts()
        row = rows[0]
        for key, wanted in self.expected.items():
            if key == "points":
                actual: Any = Decimal(str(row["points"]))
                wanted = Decimal(str(wanted))
            elif key == "finding":
                actual = row["finding"].split(":")[0] if row["finding"] else None
            elif key == "applied":
                actual, wanted = wanted in row["rules"], True
            else:
                actual = row[key]
            if actual != wanted:
                raise AssertionError(f"{self.name}: {key} is {actual!r}, expected {wanted!r}")

    def repr_failure(self, excinfo):  # type: ignore[no-untyped-def]
        return str(excinfo.value)

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, 0, self.name
