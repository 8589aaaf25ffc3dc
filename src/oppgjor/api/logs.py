"""The server's log: every line masked, tracebacks included (national ids and the values a
database error echoes never reach a log). The formatters mask the finished text, so whatever
a library puts in a record (arguments, an exception) is masked too."""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter, DefaultFormatter

from oppgjor.core.redact import redact


class MaskedDefault(DefaultFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class MaskedAccess(AccessFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def config() -> dict[str, Any]:
    """uvicorn's logging configuration with masking formatters, and oppgjor's own loggers
    (``oppgjor`` and below) on the same masked handler."""
    made: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    made["formatters"]["default"]["()"] = f"{__name__}.MaskedDefault"
    made["formatters"]["access"]["()"] = f"{__name__}.MaskedAccess"
    made["loggers"]["oppgjor"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return made
