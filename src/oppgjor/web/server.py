"""``oppgjor serve``: the API and the web pages under uvicorn, on loopback unless told
otherwise; over TLS when given a certificate and key (the session cookie is then marked Secure).

With ``workers`` > 1, uvicorn starts that many processes, each building the app from
:func:`app_from_environment` with its own connections; they share nothing but the database
(sessions, tokens, login throttling, idempotency keys and jobs all live there), so any worker
may answer any request. More workers than cores only adds contention."""

from __future__ import annotations

import os
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from oppgjor.api import logs
from oppgjor.store import Database, resolve_url
from oppgjor.web.site import create_site

# where each worker process finds the database the server was started on
URL_VARIABLE = "OPPGJOR_SERVE_DATABASE_URL"


def app_from_environment() -> FastAPI:
    """The app of one worker process, on the database ``serve`` was given."""
    return create_site(Database(os.environ.get(URL_VARIABLE) or None))


def serve(
    url: str | None, host: str, port: int, *, certfile: Path | None = None,
    keyfile: Path | None = None, log_level: str = "info", workers: int = 1,
) -> None:  # fmt: skip
    cert, key = (str(certfile) if certfile else None), (str(keyfile) if keyfile else None)
    if workers <= 1:
        uvicorn.run(create_site(Database(url)), host=host, port=port, log_level=log_level,
                    proxy_headers=False, log_config=logs.config(), ssl_certfile=cert,
                    ssl_keyfile=key)  # fmt: skip
        return
    os.environ[URL_VARIABLE] = resolve_url(url)  # resolved once, for every worker
    uvicorn.run(
        f"{__name__}:app_from_environment", factory=True, workers=workers, host=host,
        port=port, log_level=log_level, proxy_headers=False, log_config=logs.config(),
        ssl_certfile=cert, ssl_keyfile=key,
    )  # fmt: skip
