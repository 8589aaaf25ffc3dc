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
from collections.abc import Callable
from typing import Any

import polars as pl

from oppgjor.core import parameters

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
    tokens = pl.col(column).fill_null("").str.split(" ")
    return tokens.list.eval(pl.element().is_in(codes)).list.any()


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
    """Cooperation activities: 2020–2021 contact type 5 with WPBA10/15 → DRG 993O and
    WPBA20, WRBA24, WMFG10 → 995O; from 2022 STG XS08 in addition to the ordinary DRG."""
    mapping: dict[str, str] = _param("cooperation_drgs", year) or {}
    for code, drg in mapping.items():
        hit = (pl.col("contact_type") == "5") & _has_any("procedures", [code])
        frame = frame.with_columns(
            pl.when(hit).then(pl.lit(drg)).otherwise(pl.col("drg")).alias("drg"),
            _tag(hit, _version("cooperation_drgs", year)),
        )
    stg = _param("cooperation_stg", year)
    if stg:
        hit = _has_any("procedures", list(stg["procedures"]))
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
    codes: list[str] = _param("expired_drgs", year)
    hit = pl.col("drg").is_in(codes)
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        _finding(hit, f"ISF_DRG_EXPIRED: DRG-en finnes ikke i {year}"),
        _tag(hit, _version("expired_drgs", year)),
    )


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
        _finding(hit, "ISF_PERSONNEL_NOT_ELIGIBLE: utførende helsepersonell gir ikke ISF"),
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
        _finding(bad, f"ISF_SPECIAL_CODE_INVALID: særkoden er ikke gyldig i {year}"),
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
            _finding(eligible, f"ISF_PARAMETER_UNKNOWN: ambulant tillegg for {year} er ikke kjent"),
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
            excluded, "ISF_PROVIDER_NOT_ELIGIBLE: aktiviteten gir ikke ISF for tjenesteyteren"
        ),
    ).with_columns(
        _finding(
            unknown, "ISF_PROVIDER_TYPE_UNKNOWN: ukjent tjenesteytertype; sjekk provider_type"
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
