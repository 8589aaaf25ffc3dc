"""The web UI: server-rendered pages (Jinja2) with htmx, on the API\x27s users and roles."""
