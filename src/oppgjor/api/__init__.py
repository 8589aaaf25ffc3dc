"""The HTTP API (``/api/v1``): FastAPI as the thinnest entrypoint over the use cases: parse the
request, ask who is calling and whether they may, call one use case, render (ADR 0019)."""
