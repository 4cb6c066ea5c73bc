"""Build the web app: database, templates, static files, routers, error handling."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker

from luoshi import __version__
from luoshi.registry.db import make_engine
from luoshi.web import errors
from luoshi.web.config import Settings
from luoshi.web.deps import csrf_protect
from luoshi.web.routes import ROUTERS

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="luoshi 落实",
        version=__version__,
        description="Plans, tasks, targets and progress. Authenticate with the session cookie "
        "or `Authorization: Bearer <token>` (create a token on your account page).",
        dependencies=[Depends(csrf_protect)],
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    return app
