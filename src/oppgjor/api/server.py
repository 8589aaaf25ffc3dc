"""``oppgjor serve``: the API under uvicorn, on loopback unless told otherwise; over TLS when
given a certificate and key (the session cookie is then marked Secure)."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from oppgjor.api import logs
from oppgjor.api.app import create_app
from oppgjor.store import Database


def serve(
    url: str | None, host: str, port: int, *, certfile: Path | None = None,
    keyfile: Path | None = None, log_level: str = "info",
) -> None:  # fmt: skip
    app = create_app(Database(url))
    uvicorn.run(
        app, host=host, port=port, log_level=log_level, proxy_headers=False,
        log_config=logs.config(),
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
    )  # fmt: skip
