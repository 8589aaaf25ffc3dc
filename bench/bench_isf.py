"""ISF grouper throughput on one core with the 2015 NordDRG tables (issue 5: >= 10 000 cases/s).

The tables and cases are read from ../shared (not redistributable; never copied). The cases
are the regression set, repeated to the requested size.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from oppgjor.isf import grouper
from reference import shared

SIZE = 200_000


def main() -> None:
    norddrg = shared() / "reference" / "isf" / "norddrg"
    t0 = time.perf_counter()
    defs = grouper.Definitions.load(norddrg / "DefinitionData_NOR_2015_Pr1cN.zip")
    loaded = time.perf_counter() - t0
    rows = list(csv.reader((norddrg / "grouper_testcases_small.csv").open(encoding="utf-8-sig"),
                           delimiter=";"))[1:]  # fmt: skip
    texts = [r[3] for r in rows] * (SIZE // len(rows) + 1)
    texts = texts[:SIZE]
    t0 = time.perf_counter()
    for text in texts:
        grouper.group(grouper.parse_case(text), defs)
    seconds = time.perf_counter() - t0
    print("ISF grouper (NordDRG 2015 tables, one core):")
    print(f"  tables loaded in {loaded:.2f} s ({len(defs.rows)} decision rows)")
    print(f"  {SIZE} cases (parse + group) in {seconds:.2f} s: {SIZE / seconds:,.0f} cases/s"
          " (target >= 10,000)")  # fmt: skip


if __name__ == "__main__":
    main()
