"""``oppgjor serve``: the API under uvicorn, on loopback unless told otherwise."""

from __future__ import annotations

import uvicorn

from oppgjor.api.app import create_app
from oppgjor.store import Database


def serve(url: str | None, host: str, port: int, *, workers_log: str = "info") -> None:
    app = create_app(Database(url))
    uvicorn.run(app, host=host, port=port, log_level=workers_log, proxy_headers=False)
