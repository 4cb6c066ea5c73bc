"""The web workspace: FastAPI, server-rendered Jinja2 pages with HTMX, and a JSON API under /api/."""
