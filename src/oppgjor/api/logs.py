"""The server's log: every line masked (national ids never reach a log file)."""

from __future__ import annotations

import logging

from oppgjor.core.redact import redact


class Masking(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install() -> None:
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "oppgjor", "oppgjor.api"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, Masking) for f in logger.filters):
            logger.addFilter(Masking())
