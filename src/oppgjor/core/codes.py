"""Code lists shipped as package data (``oppgjor/data/codes``), each with a provenance header.

>>> icd10_text("M545")
'Lumbago'
>>> normalise_diagnosis("m54.5")
'M545'
>>> is_icpc2("L03")
True
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

_ICPC2 = re.compile(r"^[ABDFHKLNPRSTUWXYZ](?:0[1-9]|[1-9]\d)$")


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of ``data/codes/<name>``; ``#`` lines before the header are provenance."""
    text = resources.files("oppgjor.data.codes").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def table(name: str) -> dict[str, dict[str, str]]:
    """The code list *name* keyed by its ``code`` column."""
    return {row["code"]: row for row in read_table(name)}


def text_of(name: str, code: str) -> str | None:
    row = table(name).get(code)
    return row["text"] if row else None


def practice_types() -> dict[str, dict[str, str]]:
    return table("kuhr_praksistyper.csv")


def specialties() -> dict[str, dict[str, str]]:
    return table("fagomraader.csv")


def professions() -> dict[str, dict[str, str]]:
    return table("professions.csv")


def normalise_diagnosis(code: str) -> str:
    return code.strip().upper().replace(".", "").replace(" ", "")


def icd10_text(code: str) -> str | None:
    return text_of("icd10_no.csv", normalise_diagnosis(code))


def is_icpc2(code: str) -> bool:
    """ICPC-2 form: chapter letter and component 01–99 (the full list is not public here)."""
    return bool(_ICPC2.match(normalise_diagnosis(code)))
