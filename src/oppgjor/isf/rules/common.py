"""What the record rules and the patient rules share: the year's parameters and versions, and
the expressions that mark a record (``applied``, ``finding``) or test its code lists."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from oppgjor.core import parameters

POINTS = pl.Decimal(14, 3)
Rule = Callable[[pl.LazyFrame, int], pl.LazyFrame]
SOMATIC = pl.col("area") == "somatic"


def param(name: str, year: int) -> Any:
    """The value of the ISF parameter *name* for *year* (``data/parameters/isf.yaml``)."""
    return parameters.load("isf")[name].at(datetime.date(year, 1, 1))


def param_version(name: str, year: int) -> str:
    """Which dated version of *name* applies in *year*, as records name it in ``applied``."""
    return parameters.load("isf")[name].version(datetime.date(year, 1, 1))


def tag(condition: pl.Expr, label: str) -> pl.Expr:
    """Append *label* to ``applied`` where *condition* holds."""
    return (
        pl.when(condition)
        .then(pl.concat_str(pl.col("applied"), pl.lit(label + ";")))
        .otherwise(pl.col("applied"))
        .alias("applied")
    )


def add_finding(condition: pl.Expr, text: str) -> pl.Expr:
    """Set ``finding`` to *text* where *condition* holds and the record has none yet."""
    return (
        pl.when(condition & pl.col("finding").is_null())
        .then(pl.lit(text))
        .otherwise(pl.col("finding"))
        .alias("finding")
    )


def has_any(column: str, codes: list[str]) -> pl.Expr:
    """Does the space-separated code list in *column* hold any of *codes*?"""
    if not codes:
        return pl.lit(False)
    alternatives = "|".join(re.escape(code) for code in codes)
    return pl.col(column).fill_null("").str.contains(rf"(?:^|\s)(?:{alternatives})(?:\s|$)")
