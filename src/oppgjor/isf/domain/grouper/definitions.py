"""NordDRG definition data (Helsedirektoratet/NordDRG, one file per year; not shipped: the
user points at it): the ordered decision table ``drglogic`` and the property tables for
diagnoses (``dg``), procedures (``proc``), complication categories and exclusions, read from
the published zip or JSON and indexed for grouping. To be fast, each decision-table row is
indexed under one property it positively requires, so a case is only checked against rows it
could match (:func:`oppgjor.isf.domain.grouper.matching.candidates`).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Criterion:
    """One cell of the decision table: an operator (``''``, ``+``, ``-``, ``<``, ``>``, ``=``)
    and a value; an empty cell (no value) is no criterion."""

    op: str
    value: str

    @classmethod
    def parse(cls, text: str | None) -> Criterion | None:
        text = (text or "").strip()
        if not text:
            return None
        op, value = (text[0], text[1:].strip()) if text[0] in "<>+-=" else ("", text)
        return cls(op, value)


@dataclass(frozen=True)
class LogicRow:
    index: int
    ord: str
    drg: str
    rtc: str
    loc_drg: str
    icd: str
    mdc: Criterion | None
    pdg: Criterion | None
    orprop: tuple[str, str]  # (operator, S/P/N/Z/other/'')
    procpro: Criterion | None
    secpro: Criterion | None
    dgcat: Criterion | None
    age: Criterion | None
    compl: Criterion | None
    sex: str
    dgprops: tuple[Criterion, ...]
    disch: Criterion | None
    dur: Criterion | None


@dataclass
class Definitions:
    """One year's definition data, indexed for grouping."""

    name: str
    rows: list[LogicRow]
    dg: dict[str, dict[str, list[tuple[str, str, str]]]]  # vartype -> code -> (code1, code2, val)
    proc: dict[str, dict[str, list[str]]]  # vartype -> code -> values
    compl_excl: dict[str, list[tuple[str, str]]]  # compl -> (code1, code2)
    compl_incl: list[tuple[str, str]]  # (compl, inclprop) for I/J categories with inclprop
    drg_mdc: dict[str, str]
    index: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    unanchored: list[int] = field(default_factory=list)
    _sex_specific: bool = False
    drg_names: dict[str, str] = field(default_factory=dict)  # where ``drgnames`` has names

    @classmethod
    def load(cls, path: Path) -> Definitions:
        """From the published zip, a folder holding it, or the JSON file itself."""
        if path.is_dir():
            found = sorted([*path.glob("*.zip"), *path.glob("*.json")])
            if not found:
                raise FileNotFoundError(f"Ingen definisjonsdata (zip/json) i {path}")
            path = found[0]
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                member = next(n for n in archive.namelist() if n.endswith(".json"))
                text = archive.read(member).decode("utf-8-sig")
        else:
            text = path.read_text(encoding="utf-8-sig")
        # the published files carry trailing commas and raw control characters
        data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text), strict=False)
        return cls.from_tables(path.stem, data)

    @classmethod
    def from_tables(cls, name: str, data: dict[str, list[dict[str, str]]]) -> Definitions:
        def get(row: dict[str, str], key: str) -> str:
            for k, v in row.items():
                if k.split()[0].lower() == key:
                    return (v or "").strip()
            return ""

        rows = [
            _row(n, {k: get(r, k) for k in LOGIC_COLUMNS})
            for n, r in enumerate(r for r in data["drglogic"] if get(r, "ord"))
        ]
        dg: dict[str, dict[str, list[tuple[str, str, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for r in data["dg"]:
            code = get(r, "code")
            if code:
                dg[get(r, "vartype")][code].append((code, get(r, "d_code"), get(r, "varval")))
        proc: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in data["proc"]:
            code = get(r, "code")
            if code:
                proc[get(r, "vartype")][code].append(get(r, "varval"))
        excl: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r in data["complexcl"]:
            if get(r, "compl"):
                excl[get(r, "compl")].append((get(r, "code"), get(r, "d_code")))
        incl = [
            (get(r, "compl"), get(r, "inclprop"))
            for r in data["complcat"]
            if get(r, "compl") and get(r, "inclprop")
        ]
        names = {get(r, "drg"): get(r, "mdc") for r in data["drgnames"] if get(r, "drg")}
        defs = cls(name, rows, dg, proc, excl, incl, names)
        for key in NAME_COLUMNS:  # the published 2015-2017 tables have none
            found = {get(r, "drg"): get(r, key) for r in data["drgnames"] if get(r, key)}
            if found:
                defs.drg_names = found
                break
        defs._build_index()
        return defs

    @property
    def year(self) -> int | None:
        """The year the tables are for, from their name (``DefinitionData_NOR_2015_...``)."""
        found = re.search(r"(?<!\d)(20\d\d)(?!\d)", self.name)
        return int(found.group(1)) if found else None

    @property
    def names_sex_specific_properties(self) -> bool:
        """Do decision rows name a sex-specific (98) diagnosis property? Then the grouper
        keeps such properties as they are instead of recoding them by sex (2015: the Z08/Z09
        follow-up rows for 98X99; see the note in :mod:`.matching`)."""
        return self._sex_specific

    def _build_index(self) -> None:
        self._sex_specific = any(c.value.startswith("98") for r in self.rows for c in r.dgprops)
        for row in self.rows:
            anchor = _anchor(row)
            if anchor is None:
                self.unanchored.append(row.index)
            else:
                self.index.setdefault(anchor, []).append(row.index)


NAME_COLUMNS = ("name", "drgname", "drg_name", "text", "navn", "drgtext")
LOGIC_COLUMNS = (
    "ord", "drg", "rtc", "icd", "mdc", "pdgprop", "or", "procpro1", "dgcat1", "agelim", "compl",
    "sex", "dgprop1", "dgprop2", "dgprop3", "dgprop4", "secproc1", "disch", "dur", "loc_drg",
)  # fmt: skip


def _orprop(text: str) -> tuple[str, str]:
    text = text.strip()
    if not text:
        return ("", "")
    op = text[0] if text[0] in "<>+-=" else ""
    kind = text[len(op) :].strip().upper()
    if kind and kind not in ("S", "P", "N", "Z"):
        kind = "other"
    return (op or "blank", kind)


def _row(n: int, c: dict[str, str]) -> LogicRow:
    dgprops = tuple(
        x for x in (Criterion.parse(c[f"dgprop{i}"]) for i in range(1, 5)) if x and x.value
    )
    return LogicRow(
        index=n, ord=c["ord"], drg=c["drg"], rtc=c["rtc"], loc_drg=c["loc_drg"],
        icd=c["icd"], mdc=_valued(c["mdc"]), pdg=_valued(c["pdgprop"]),
        orprop=_orprop(c["or"]), procpro=_valued(c["procpro1"]), secpro=_valued(c["secproc1"]),
        dgcat=_valued(c["dgcat1"]), age=Criterion.parse(c["agelim"]),
        compl=_valued(c["compl"]), sex=c["sex"].upper(), dgprops=dgprops,
        disch=_valued(c["disch"]), dur=Criterion.parse(c["dur"]),
    )  # fmt: skip


def _valued(text: str) -> Criterion | None:
    """A criterion that only counts when it has a value (an operator alone is no criterion)."""
    crit = Criterion.parse(text)
    return crit if crit and crit.value else None


def _anchor(row: LogicRow) -> tuple[str, str] | None:
    """One property the row positively requires, to index it by."""
    if row.procpro and row.procpro.op in ("", "+"):
        return ("proc", row.procpro.value)
    if row.dgcat and row.dgcat.op in ("", "+"):
        return ("dgcat", row.dgcat.value)
    if row.pdg and row.pdg.op in ("", "+"):
        return ("pdg", row.pdg.value)
    if row.mdc and row.mdc.op in ("", "+"):
        return ("mdc", row.mdc.value)
    for crit in row.dgprops:
        if crit.op in ("", "+"):
            return ("dgprop", crit.value)
    return None
