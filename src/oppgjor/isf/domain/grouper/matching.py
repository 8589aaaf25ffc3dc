"""Grouping a case with NordDRG definition data (:mod:`.definitions`):

1. derive the case's features from the property tables (diagnosis category and MDC, principal
   diagnosis properties, procedure properties, OR properties, diagnosis properties,
   complication properties and the CC level);
2. return the first ``drglogic`` row, in table order, whose twelve criteria all hold.

The semantics of each column follow the published NordDRG grouping specification as the
Norwegian reference grouper applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from oppgjor.isf.domain.grouper.definitions import Criterion, Definitions, LogicRow

# -- cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    sex: str  # 1 male, 2 female
    age_days: int
    discharge: str  # H home, E dead, N/other
    los_days: int
    diagnoses: tuple[tuple[str, str], ...]  # (code, dagger/asterisk code); first is the main
    procedures: tuple[str, ...]


def parse_case(text: str) -> Case:
    """The NordDRG grouper's case string: sex, age in days, discharge mode, length of stay, a
    blank, 30 (diagnosis, dagger/asterisk) pairs, then up to 99 procedure codes."""
    fields = text.replace("*", "").split(",")
    if len(fields) < 65:
        raise ValueError(f"Kasusstrengen har {len(fields)} felt; forventet minst 65.")
    fields += [""] * (164 - len(fields))
    pairs = []
    for i in range(5, 64, 2):
        code1, code2 = fields[i].strip(), fields[i + 1].strip()
        if i > 8 and not code1 and not code2:
            continue
        pairs.append((code1, code2))
    procedures = tuple(p.strip() for p in fields[65:164] if p.strip())
    return Case(
        fields[0].strip(), _int(fields[1]), fields[2].strip(), _int(fields[3]), tuple(pairs),
        procedures,
    )  # fmt: skip


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


# -- features ---------------------------------------------------------------------------------


@dataclass
class Features:
    sex: str = ""  # M, F or '' (unknown)
    age: int = 0
    duration: int = 0
    discharge: str = ""  # E, N, H or 'any'
    dgcat: str | None = None
    mdc: str | None = None
    pdg: set[str] = field(default_factory=set)
    proc: set[str] = field(default_factory=set)
    orprops: set[str] = field(default_factory=set)
    cc: set[int] = field(default_factory=set)
    dgprops: dict[str, int | None] = field(default_factory=dict)  # value -> diagnosis index
    compl: dict[str, list[object]] = field(default_factory=dict)  # value -> [active, level]
    cc_level: int = 0

    @property
    def valid_main(self) -> bool:
        return self.dgcat is not None


def _pair_matches(
    defs_for: dict[str, list[tuple[str, str, str]]], pair: tuple[str, str]
) -> list[str]:
    """Values of property rules matching a diagnosis pair: a single-code rule matching either
    code, or a two-code rule matching (dagger, asterisk) in reverse order."""
    code1, code2 = pair
    found = []
    for code in (code1, code2) if code2 else (code1,):
        for rule1, rule2, value in defs_for.get(code, ()):
            if not rule2:
                if rule1 in (code1, code2):
                    found.append(value)
            elif code1 == rule2 and code2 == rule1:
                found.append(value)
    return found


# Sex-specific codes (NordDRG "98"): a diagnosis of the genital organs that either sex can have
# (A56.0 chlamydia, S30.2 injury of the external genitals, Z30.2 sterilisation, ...) has the
# category 98Mnn and the property 98X99 in the ``dg`` table. The principal diagnosis's
# category decides the MDC, and 98 is no MDC: it becomes 12 (male) or 13 (female).
#
# The property 98X99 is left as it is. The definitions say so themselves: 98X99 is the only
# property starting with 98 in the 2015 tables, and the only decision-table rows that name it
# are the follow-up rows for a Z08/Z09 principal diagnosis (category 23M04): "follow-up, and a
# secondary diagnosis belongs to MDC nn" (125D0320nn outpatient, 423D06nn inpatient), which
# group the visit by the MDC of the condition being followed up. Beside the rows for 12X99
# (male MDC) and 13X99 (female MDC) the table has rows of their own for 98X99 with the
# patient's sex (125D032023/24, 423D0633/34). Recoding 98X99 to 12X99/13X99 would make those
# rows unreachable, and a Z09 follow-up of, say, chlamydia (Z09.x + A56.0) would get the right
# DRG (912O/913O) through the 12X99/13X99 row instead of the 98X99 row the table has for it.
# No other row, and no complication inclusion, names a 12-, 13- or 98-property, so nothing
# else changes. The 2016 and 2017 tables dropped those 98X99 rows and the sex criterion of
# the 12X99/13X99 rows: they are written for properties recoded like the category. So the
# definitions decide (``Definitions.names_sex_specific_properties``): a table whose rows name
# a 98-property keeps it; a table whose rows name none gets it recoded.


def _recode(value: str, sex: str) -> str:
    """A category (or property) starting with 98 is sex-specific: 12 male, 13 female."""
    if value.startswith("98") and sex in ("M", "F"):
        return ("12" if sex == "M" else "13") + value[2:]
    return value


def _category(defs: Definitions, pair: tuple[str, str]) -> str | None:
    rules: dict[str, list[tuple[str, str, str]]] = defs.dg.get("DGCAT", {})
    code1, code2 = pair
    candidates: list[tuple[str, str, str]] = [*rules.get(code1, []), *rules.get(code2, [])]
    if not candidates:
        return None
    # (asterisk, dagger) as a two-code rule first, then the asterisk, then the dagger code
    wanted = [(code2, code1), (code2, None), (code1, None)] if code2 else [(code1, None)]
    for rule1, rule2 in wanted:
        for code, dcode, value in candidates:
            if code == rule1 and (rule2 is None or dcode == rule2):
                return value
    return None


def features(case: Case, defs: Definitions) -> Features:
    f = Features(
        sex={"1": "M", "2": "F"}.get(case.sex, ""),
        age=case.age_days,
        duration=case.los_days,
        discharge=case.discharge if case.discharge in ("E", "N", "H") else "any",
    )
    if case.diagnoses:
        main = case.diagnoses[0]
        category = _category(defs, main)
        if category is not None:
            f.dgcat = _recode(category, f.sex)
        f.pdg = set(_pair_matches(defs.dg.get("PDGPRO", {}), main))
    for code in case.procedures:
        f.proc.update(defs.proc.get("PROCPR", {}).get(code, ()))
        f.orprops.update(defs.proc.get("OR", {}).get(code, ()))
        f.cc.update(_int(v) for v in defs.proc.get("CC", {}).get(code, ()))
        for value in defs.proc.get("DGPROP", {}).get(code, ()):
            f.dgprops.setdefault(value, None)
    for n, pair in enumerate(case.diagnoses):
        for code in (pair[0], pair[1]) if pair[1] else (pair[0],):
            f.orprops.update(v for c1, c2, v in defs.dg.get("OR", {}).get(code, ()) if not c2)
        for value in _pair_matches(defs.dg.get("DGPROP", {}), pair):
            f.dgprops.setdefault(value, n)
        f.proc.update(_pair_matches(defs.dg.get("PROCPR", {}), pair))
    if not defs.names_sex_specific_properties:  # see the note above _recode
        recoded: dict[str, int | None] = {}
        for value, source in f.dgprops.items():
            recoded.setdefault(_recode(value, f.sex), source)
        f.dgprops = recoded
    _complications(case, defs, f)
    if f.dgcat is not None:
        f.mdc = f.dgcat[:2]
    return f


_CC_KINDS = {"C": (True, 1), "G": (True, 2), "I": (False, 1), "J": (False, 2)}


def _wildcard(value: str) -> str:
    return value[:2] + "*" + value[3:] if len(value) > 2 else value


def _complications(case: Case, defs: Definitions, f: Features) -> None:
    rules = defs.dg.get("COMPL", {})
    if len(case.diagnoses) > 1:
        for pair in case.diagnoses[1:]:
            for value in _pair_matches(rules, pair):
                if value not in f.compl:
                    active, level = _CC_KINDS.get(value[2:3], (False, 0))
                    f.compl[value] = [active, level]
        # complications of the same kind as the main diagnosis's own do not count
        own = {_wildcard(v) for v in _pair_matches(rules, case.diagnoses[0])}
        for value in [v for v in f.compl if v[2:3] in _CC_KINDS and _wildcard(v) in own]:
            del f.compl[value]
    if case.diagnoses:
        code1, code2 = case.diagnoses[0]
        for value, state in f.compl.items():
            if any(not r2 and r1 in (code1, code2) for r1, r2 in defs.compl_excl.get(value, ())):
                state[0] = False
    for compl, inclprop in defs.compl_incl:
        if compl[2:3] in ("I", "J") and compl in f.compl and inclprop in f.dgprops:
            if f.dgprops[inclprop] != 0:  # not from the main diagnosis
                f.compl[compl][0] = True
                f.compl[compl][1] = 1 if compl[2] == "I" else 2
            break
    levels = [int(str(level)) for active, level in f.compl.values() if active]
    f.cc_level = max([0, *f.cc, *levels])


# -- grouping ---------------------------------------------------------------------------------


def _has(crit: Criterion | None, present: bool) -> bool:
    if crit is None:
        return True
    return not present if crit.op == "-" else present


def _number(crit: Criterion | None, value: int) -> bool:
    if crit is None:
        return True
    limit = _int(crit.value)
    if crit.op == "<":
        return value < limit
    if crit.op == ">":
        return value > limit
    return True


def _or_ok(orprop: tuple[str, str], props: set[str]) -> bool:
    op, kind = orprop
    if op in ("blank", "+") and kind in ("S", "P", "N", "Z"):
        return {
            "S": "1" in props,
            "P": "1" in props or "2" in props,
            "N": "1" not in props,
            "Z": "1" not in props and "2" not in props,
        }[kind]
    if op == "+" and not kind:
        return bool(props)
    if op == "-" and not kind:
        return not props
    return not (op == "-" and kind == "other")


def _cc_ok(crit: Criterion | None, level: int) -> bool:
    if crit is None:
        return True
    value = _int(crit.value)
    return {"": level >= value, "+": level >= value, ">": level > value, "<": level < value,
            "-": level != value}.get(crit.op, True)  # fmt: skip


def _disch_ok(crit: Criterion | None, mode: str) -> bool:
    if crit is None:
        return True
    value = crit.value if crit.value in ("E", "N", "H") else "any"
    if crit.op in ("", "="):
        return mode != "E" if value == "N" else mode == value
    if crit.op == "-":
        return mode != value
    return True


def matches(row: LogicRow, f: Features) -> bool:
    """All twelve criteria of a decision-table row hold for the case's features."""
    if row.procpro and not _has(row.procpro, row.procpro.value in f.proc):
        return False
    if row.secpro and not _has(row.secpro, row.secpro.value in f.proc):
        return False
    if row.dgcat and (f.dgcat is None or not _has(row.dgcat, row.dgcat.value == f.dgcat)):
        return False
    if row.pdg and not _has(row.pdg, row.pdg.value in f.pdg):
        return False
    if row.mdc and not _has(row.mdc, row.mdc.value == f.mdc):
        return False
    if not _number(row.dur, f.duration):
        return False
    if (row.icd == "+" and not f.valid_main) or (row.icd == "-" and f.valid_main):
        return False
    if not _or_ok(row.orprop, f.orprops):
        return False
    if not all(_has(c, c.value in f.dgprops) for c in row.dgprops):
        return False
    if not _number(row.age, f.age):
        return False
    if (row.sex in ("M", "F") and f.sex != row.sex) or (row.sex == "-" and f.sex):
        return False
    if not _disch_ok(row.disch, f.discharge):
        return False
    return _cc_ok(row.compl, f.cc_level)


@dataclass(frozen=True)
class Grouping:
    drg: str
    ord: str  # the decision-table row that fired
    rtc: str  # return code
    loc_drg: str
    mdc: str | None


def candidates(defs: Definitions, f: Features) -> list[int]:
    keys: Iterable[tuple[str, str]] = [
        *(("proc", p) for p in f.proc),
        *(("pdg", p) for p in f.pdg),
        *(("dgprop", p) for p in f.dgprops),
    ]
    found = set(defs.unanchored)
    for key in keys:
        found.update(defs.index.get(key, ()))
    if f.dgcat is not None:
        found.update(defs.index.get(("dgcat", f.dgcat), ()))
    if f.mdc is not None:
        found.update(defs.index.get(("mdc", f.mdc), ()))
    return sorted(found)


def group_features(f: Features, defs: Definitions) -> Grouping | None:
    for index in candidates(defs, f):
        row = defs.rows[index]
        if matches(row, f):
            return Grouping(row.drg, row.ord, row.rtc, row.loc_drg, defs.drg_mdc.get(row.drg))
    return None


def group(case: Case, defs: Definitions) -> Grouping | None:
    """The DRG of a case: the first decision-table row (in table order) that matches."""
    return group_features(features(case, defs), defs)
