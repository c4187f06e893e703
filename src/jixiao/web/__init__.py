"""The web adapter: FastAPI app with a JSON API and server-rendered pages (Jinja2 + htmx)."""
