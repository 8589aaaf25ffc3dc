"""ISF year rules as dated functions over the activity (DESIGN.md convention 4): numbers come
from ``data/parameters/isf.yaml``; logic that changed between years is a separate function per
version (``telephone_2020``, ``telephone_2021``, ``telephone_2022``), chosen by the year.

Each rule adds to the per-record columns the pipeline carries: ``drg`` (overrides),
``counted`` (does the record give points), ``extra`` (additional points, e.g. the ambulant
supplement), ``extra_code`` (an STG given in addition), ``finding`` and ``applied`` (the rule
versions that touched the record). Sources: shared/seeds/004 (ISF 2020) and 003 (2021→2022).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from oppgjor.core import parameters
from oppgjor.isf.domain import findings as F

POINTS = pl.Decimal(14, 3)
Rule = Callable[[pl.LazyFrame, int], pl.LazyFrame]


def _param(name: str, year: int) -> Any:
    return parameters.load("isf")[name].at(datetime.date(year, 1, 1))


def _version(name: str, year: int) -> str:
    return parameters.load("isf")[name].version(datetime.date(year, 1, 1))


def _tag(condition: pl.Expr, label: str) -> pl.Expr:
    """Append *label* to ``applied`` where *condition* holds."""
    return (
        pl.when(condition)
        .then(pl.concat_str(pl.col("applied"), pl.lit(label + ";")))
        .otherwise(pl.col("applied"))
        .alias("applied")
    )


def _finding(condition: pl.Expr, text: str) -> pl.Expr:
    return (
        pl.when(condition & pl.col("finding").is_null())
        .then(pl.lit(text))
        .otherwise(pl.col("finding"))
        .alias("finding")
    )


def _has_any(column: str, codes: list[str]) -> pl.Expr:
    """Does the space-separated code list in *column* hold any of *codes*?"""
    if not codes:
        return pl.lit(False)
    alternatives = "|".join(re.escape(code) for code in codes)
    return pl.col(column).fill_null("").str.contains(rf"(?:^|\s)(?:{alternatives})(?:\s|$)")


SOMATIC = pl.col("area") == "somatic"


# -- telephone consultations ----------------------------------------------------------------


def telephone_2020(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2020: somatic telephone consultations count only as indirect activity 13 with a
    reported co-payment; indirect activity 12 never counts."""
    twelve = SOMATIC & (pl.col("indirect_activity") == "12")
    thirteen_unpaid = (
        SOMATIC
        & (pl.col("indirect_activity") == "13")
        & (pl.col("copayment").fill_null("0") != "1")
    )
    hit = twelve | thirteen_unpaid
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        _tag(hit, "telephone_2020"),
    )


def telephone_2021(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2021: contact type 7 counts with a co-payment; without, it groups to DRG 470."""
    unpaid = SOMATIC & (pl.col("contact_type") == "7") & (pl.col("copayment").fill_null("0") != "1")
    return frame.with_columns(
        pl.when(unpaid).then(pl.lit("470")).otherwise(pl.col("drg")).alias("drg"),
        _tag(unpaid, "telephone_2021"),
    )


def telephone_2022(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2022: contact type 7 counts without the co-payment requirement (nothing to change)."""
    return frame


TELEPHONE: dict[int, Rule] = {2020: telephone_2020, 2021: telephone_2021, 2022: telephone_2022}


def _by_year(versions: dict[int, Rule], year: int) -> Rule:
    chosen = [y for y in versions if y <= year]
    if not chosen:
        raise parameters.ParameterError(f"Ingen regelversjon for {year}")
    return versions[max(chosen)]


# -- record rules with dated numbers ----------------------------------------------------------


def cooperation(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Cooperation activities: 2020–2021 contact type 5 with one of the listed indirect
    activities and WPBA10/15 → DRG 993O, WPBA20, WRBA24, WMFG10 → 995O; from 2022 STG XS08
    in addition to the ordinary DRG, whatever the form of communication, and for an
    inpatient only when reported ready for discharge."""
    mapping: dict[str, str] = _param("cooperation_drgs", year) or {}
    activities: list[str] = _param("cooperation_indirect_activities", year) or []
    indirect = (pl.col("contact_type") == "5") & pl.col("indirect_activity").is_in(activities)
    for code, drg in mapping.items():
        hit = indirect & _has_any("procedures", [code])
        frame = frame.with_columns(
            pl.when(hit).then(pl.lit(drg)).otherwise(pl.col("drg")).alias("drg"),
            _tag(hit, _version("cooperation_drgs", year)),
        )
    stg = _param("cooperation_stg", year)
    if stg:
        inpatient = pl.col("care_level") == "1"
        ready = pl.col("ready_for_discharge").fill_null("0") == "1"
        hit = _has_any("procedures", list(stg["procedures"])) & (~inpatient | ready)
        frame = frame.with_columns(
            pl.when(hit)
            .then(pl.lit(stg["code"]))
            .otherwise(pl.col("extra_code"))
            .alias("extra_code"),
            _tag(hit, _version("cooperation_stg", year)),
        )
    return frame


def grouping_2020(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2020–2021: the pre-grouped DRG stands."""
    return frame


def grouping_2022(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2022: Z51.5 as main condition, and Z50.9 without a secondary condition, group to 470."""
    main = pl.col("main_condition").fill_null("").str.replace(".", "", literal=True)
    no_secondary = pl.col("secondary_conditions").fill_null("").str.strip_chars() == ""
    hit = (main == "Z515") | ((main == "Z509") & no_secondary)
    return frame.with_columns(
        pl.when(hit).then(pl.lit("470")).otherwise(pl.col("drg")).alias("drg"),
        _tag(hit, "grouping_2022"),
    )


GROUPING: dict[int, Rule] = {2020: grouping_2020, 2022: grouping_2022}


def expired_drgs(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """A record whose DRG does not exist in its year gives no points and is a finding: the
    DRG expired before the year, or is only introduced in a later one."""
    for name, text in (
        ("expired_drgs", f"{F.DRG_EXPIRED.code}: DRG-en finnes ikke i {year}"),
        ("drgs_not_yet_valid", f"{F.DRG_NOT_YET_VALID.code}: DRG-en finnes først etter {year}"),
    ):
        hit = pl.col("drg").is_in(list(_param(name, year)))
        frame = frame.with_columns(
            pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
            _finding(hit, text),
            _tag(hit, _version(name, year)),
        )
    return frame


def health_personnel(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Outpatient contacts outside the procedure DRGs (700/800 series) count only with an
    executing health personnel group in the year's list."""
    allowed: list[str] = _param("isf_health_personnel", year)
    series = pl.col("drg").fill_null("").str.slice(0, 1).is_in(["7", "8"]) & (
        pl.col("drg").fill_null("").str.len_chars() >= 3
    )
    outpatient = pl.col("care_level") == "3"
    hit = outpatient & ~series & ~pl.col("health_personnel").fill_null("").is_in(allowed)
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        _finding(hit, f"{F.PERSONNEL_NOT_ELIGIBLE.code}: utførende helsepersonell gir ikke ISF"),
        _tag(hit, _version("isf_health_personnel", year)),
    )


def stg_without_points(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    codes: list[str] = _param("stg_without_points", year)
    hit = pl.col("drg").is_in(codes)
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        _tag(hit, _version("stg_without_points", year)),
    )


def special_codes(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    invalid: list[str] = _param("invalid_special_codes", year)
    recorded: list[str] = _param("recorded_special_codes", year)
    bad = _has_any("special_codes", invalid)
    noted = _has_any("special_codes", recorded) if recorded else pl.lit(False)
    frame = frame.with_columns(
        _finding(bad, f"{F.SPECIAL_CODE_INVALID.code}: særkoden er ikke gyldig i {year}"),
        _tag(bad, _version("invalid_special_codes", year)),
    )
    version = _version("recorded_special_codes", year)
    note = f"{version} {' '.join(recorded)} (registrert, ikke prissatt)"
    return frame.with_columns(_tag(noted, note))


def ambulant_supplement(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Contacts at the patient's home (4) or another ambulant place (5) get a supplement
    weight per area; DRGs listed as not eligible get none. A year without a known weight
    gives a finding, not a guess."""
    ambulant = pl.col("activity_location").is_in(["4", "5"])
    ineligible: list[str] = _param("ambulant_ineligible_drgs", year)
    eligible = ambulant & ~pl.col("drg").is_in(ineligible) & pl.col("counted")
    somatic = _param("ambulant_supplement_somatic", year)
    phv = _param("ambulant_supplement_phv_tsb", year)
    if somatic is None or phv is None:
        return frame.with_columns(
            _finding(
                eligible, f"{F.PARAMETER_UNKNOWN.code}: ambulant tillegg for {year} er ikke kjent"
            ),
        )
    weight = pl.when(SOMATIC).then(pl.lit(str(somatic))).otherwise(pl.lit(str(phv)))
    supplement = weight.str.to_decimal(scale=3).cast(POINTS)
    frame = frame.with_columns(
        pl.when(eligible)
        .then(pl.col("extra") + supplement)
        .otherwise(pl.col("extra"))
        .alias("extra"),
        _tag(eligible & SOMATIC, _version("ambulant_supplement_somatic", year)),
    )
    return frame.with_columns(
        _tag(eligible & ~SOMATIC, _version("ambulant_supplement_phv_tsb", year))
    )


def provider_types(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Who gets ISF (2022 section 8): the provider type decides which activity counts; day
    surgery (``2K``) is day treatment in a surgical group (needs ``surgical`` from the weight
    table, so this runs after the weights are joined). An unknown type is a finding."""
    table: dict[str, list[str]] | None = _param("isf_provider_types", year)
    if not table:
        return frame
    known = pl.col("provider_type").is_in(list(table))
    given = pl.col("provider_type").is_not_null() & (pl.col("provider_type") != "")
    level = pl.col("care_level").fill_null("")
    day_surgery = (level == "2") & pl.col("surgical").fill_null(False)
    allowed = pl.lit(False)
    for provider, levels in table.items():
        plain = [x for x in levels if x != "2K"]
        ok = level.is_in(plain) | (day_surgery if "2K" in levels else pl.lit(False))
        allowed = allowed | ((pl.col("provider_type") == provider) & ok)
    excluded = given & known & ~allowed
    unknown = given & ~known
    frame = frame.with_columns(
        pl.when(excluded).then(False).otherwise(pl.col("counted")).alias("counted"),
        _finding(
            excluded, f"{F.PROVIDER_NOT_ELIGIBLE.code}: aktiviteten gir ikke ISF for tjenesteyteren"
        ),
    ).with_columns(
        _finding(
            unknown, f"{F.PROVIDER_TYPE_UNKNOWN.code}: ukjent tjenesteytertype; sjekk provider_type"
        ),
    )
    return frame.with_columns(_tag(excluded, _version("isf_provider_types", year)))


def rules_for(year: int) -> list[Rule]:
    """The ordered rule registry for *year*: DRG overrides first, then what counts, then
    additions."""
    return [
        _by_year(TELEPHONE, year),
        cooperation,
        _by_year(GROUPING, year),
        expired_drgs,
        health_personnel,
        stg_without_points,
        special_codes,
        ambulant_supplement,
    ]


def apply(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    frame = frame.with_columns(
        pl.lit(True).alias("counted"),
        pl.lit(0).cast(POINTS).alias("extra"),
        pl.lit(None, dtype=pl.Utf8).alias("extra_code"),
        pl.lit(None, dtype=pl.Utf8).alias("finding"),
        pl.lit("").alias("applied"),
    )
    for rule in rules_for(year):
        frame = rule(frame, year)
    return frame


# -- rules over a patient's records together (run after the weights are joined) -------------
#
# Both work on windows per patient (``over``/joins keyed by ``patient_id``), so they stay
# correct when a national run is split by patient partition. They match records by ``_id``,
# the record's position in the validated input (a line number need not be unique: a whole
# XML message may be one line), given before any join can reorder the rows.

Weights = dict[tuple[str, str], Decimal]


def _weight_of(code: str, weights: Weights) -> pl.Expr:
    """The weight of *code* for the record's area, or null when the table has none."""
    somatic, phv = weights.get((code, "somatic")), weights.get((code, "phv_tsb"))
    value = (
        pl.when(SOMATIC)
        .then(pl.lit(None if somatic is None else str(somatic), pl.Utf8))
        .otherwise(pl.lit(None if phv is None else str(phv), pl.Utf8))
    )
    return value.str.to_decimal(scale=3).cast(POINTS)


def team_codes(frame: pl.LazyFrame, year: int, weights: Weights) -> pl.LazyFrame:
    """Team special codes (B0044, B0045): the weight of the code counts at most once per
    patient and calendar month (on the first record carrying it), and only when the team
    followed the patient for at least half of the month: from the first day to the last day
    in the month covered by the patient's records with the code (an episode counts from its
    date in to its date out). Further records with the code that month, and a month with
    shorter follow-up, are findings without points. Only the records carrying a code are
    windowed; the rest pass through untouched."""
    spec = _param("team_special_codes", year)
    if not spec:
        return frame
    version = _version("team_special_codes", year)
    share = Fraction(str(spec["min_share_of_month"]))  # exact: days × share, no float
    day = pl.coalesce("day_out", "day_in")
    start, end = day.dt.month_start(), day.dt.month_end()
    key = ["patient_id", "_month"]
    for code in spec["codes"]:
        has = _has_any("special_codes", [code]) & pl.col("counted")
        covered = (pl.col("_last").max() - pl.col("_first").min()).over(key).dt.total_days() + 1
        verdicts = (
            frame.filter(has)
            .select(
                "_id", "patient_id", start.alias("_month"),
                pl.max_horizontal(pl.col("day_in"), start).alias("_first"),
                pl.min_horizontal(day, end).alias("_last"), end.dt.day().alias("_days"),
                pl.col("_id").sort_by("day_in", "_id").first().over("patient_id", start)
                .alias("_n"),
            )
            .select(
                "_id", (covered * share.denominator
                        >= pl.col("_days").cast(pl.Int64) * share.numerator)
                .alias("_enough"), (pl.col("_n") == pl.col("_id")).alias("_first_in_month"),
            )
        )  # fmt: skip
        weight = _weight_of(code, weights)
        coded = pl.col("_enough").is_not_null()
        enough = pl.col("_enough").fill_null(False)
        counts = enough & pl.col("_first_in_month") & weight.is_not_null()
        frame = (
            frame.join(verdicts, on="_id", how="left")
            .with_columns(
                pl.when(counts)
                .then(pl.col("extra") + weight.fill_null(0).cast(POINTS))
                .otherwise(pl.col("extra"))
                .alias("extra"),
                _finding(
                    coded & weight.is_null(),
                    f"{F.WEIGHT_UNKNOWN.code}: {code} mangler i vekttabellen for {year}",
                ),
                _tag(counts, f"{version} {code}"),
            )
            .with_columns(
                _finding(
                    coded & ~enough,
                    f"{F.TEAM_FOLLOWUP_SHORT.code}: {code} teller bare når teamet har fulgt opp "
                    "pasienten minst halve kalendermåneden",
                )
            )
            .with_columns(
                _finding(
                    enough & ~pl.col("_first_in_month"),
                    f"{F.SPECIAL_CODE_REPEATED.code}: {code} teller én gang per pasient og måned",
                )
            )
            .drop("_enough", "_first_in_month")
        )
    return frame


def care_pathways(frame: pl.LazyFrame, year: int, weights: Weights) -> pl.LazyFrame:
    """Care pathways (TFG): a counted record whose DRG is a trigger opens a pathway; the
    patient's related records at the same institution (DRG, and the main condition's
    prefix where the table gives one) within the window around the trigger and in the same
    calendar year are gathered into it. Two triggers give two pathways; a record that fits
    several goes to the nearest trigger (the earlier one on a tie). The trigger carries the
    TFG's weight (``tfg``, ``tfg_weight``); every member gets ``pathway`` and gives no points
    of its own. A trigger whose TFG has no weight in the year's table opens no pathway (a
    finding; the records keep their DRG points)."""
    spec = _param("care_pathways", year)
    none = [
        pl.lit(None, dtype=pl.Utf8).alias("tfg"),
        pl.lit(None, dtype=pl.Utf8).alias("pathway"),
        pl.lit(None, dtype=POINTS).alias("tfg_weight"),
    ]
    if not spec:
        return frame.with_columns(*none)
    version = _version("care_pathways", year)
    triggers: dict[str, str] = spec["triggers"]
    day_last = pl.coalesce("day_out", "day_in")
    tfg = pl.col("drg").replace_strict(triggers, default=None, return_dtype=pl.Utf8)
    tfg_weight = pl.lit(None, dtype=pl.Utf8)
    for code in set(triggers.values()):
        tfg_weight = (
            pl.when(tfg == code).then(_weight_of(code, weights).cast(pl.Utf8)).otherwise(tfg_weight)
        )
    keyed = frame.with_columns(
        pl.when(pl.col("counted")).then(tfg).otherwise(None).alias("_tfg"),
        tfg_weight.str.to_decimal(scale=3).cast(POINTS).alias("_tfg_weight"),
    )
    opens = pl.col("_tfg").is_not_null() & pl.col("_tfg_weight").is_not_null()
    keyed = keyed.with_columns(
        pl.when(opens)
        .then(pl.concat_str(pl.col("_tfg"), pl.col("institution"), pl.col("patient_id"),
                            pl.col("day_in").dt.strftime("%Y-%m-%d"), pl.col("row").cast(pl.Utf8),
                            separator=":"))
        .otherwise(None)
        .alias("_opened"),
        _finding(
            pl.col("_tfg").is_not_null() & pl.col("_tfg_weight").is_null(),
            f"{F.WEIGHT_UNKNOWN.code}: tjenesteforløpet mangler i vekttabellen for {year}",
        ),
    )  # fmt: skip
    opened = keyed.filter(pl.col("_opened").is_not_null()).select(
        "patient_id", "institution", pl.col("_opened").alias("_path"),
        pl.col("day_in").alias("_t_in"), day_last.alias("_t_out"),
    )  # fmt: skip
    related = pl.LazyFrame(
        {
            "drg": [r["drg"] for r in spec["related"]],
            "_diagnosis": [r.get("diagnosis") or "" for r in spec["related"]],
            "_before": [r.get("days_before") for r in spec["related"]],
            "_after": [r.get("days_after") for r in spec["related"]],
        },
        schema={"drg": pl.Utf8, "_diagnosis": pl.Utf8, "_before": pl.Int64, "_after": pl.Int64},
    )
    main = pl.col("main_condition").fill_null("").str.replace(".", "", literal=True)
    excluded = list(spec.get("excluded_contact_types") or [])
    candidates = (
        keyed.filter(
            pl.col("counted") & pl.col("_opened").is_null()
            & ~pl.col("contact_type").fill_null("").is_in(excluded)
        )
        .select("_id", "patient_id", "institution", "drg", "day_in", main.alias("_main"))
        .join(related, on="drg", how="inner")
        .filter(pl.col("_main").str.starts_with(pl.col("_diagnosis")))
    )  # fmt: skip
    days = pl.duration(days=1)
    members = (
        candidates.join(opened, on=["patient_id", "institution"], how="inner")
        .filter(
            (pl.col("day_in").dt.year() == pl.col("_t_in").dt.year())
            & (pl.col("_before").is_null()
               | (pl.col("day_in") >= pl.col("_t_in") - days * pl.col("_before")))
            & (pl.col("_after").is_null()
               | (pl.col("day_in") <= pl.col("_t_out") + days * pl.col("_after")))
        )
        .with_columns((pl.col("day_in") - pl.col("_t_in")).dt.total_days().abs().alias("_dist"))
        .sort("_id", "_dist", "_t_in", "_path")
        .unique(subset="_id", keep="first", maintain_order=True)
        .select("_id", "_path")
    )  # fmt: skip
    joined = keyed.join(members, on="_id", how="left")
    pathway = pl.coalesce("_opened", "_path")
    return joined.with_columns(
        pl.when(pl.col("_opened").is_not_null()).then(pl.col("_tfg")).otherwise(None).alias("tfg"),
        pathway.alias("pathway"),
        pl.when(pl.col("_opened").is_not_null()).then(pl.col("_tfg_weight")).otherwise(None)
        .alias("tfg_weight"),
        _tag(pathway.is_not_null(), version),
    ).drop("_tfg", "_tfg_weight", "_opened", "_path")  # fmt: skip
