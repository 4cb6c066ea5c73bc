"""Build the web app: database, templates, static files, routers, error handling."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from luoshi import __version__
from luoshi.registry.db import make_engine
from luoshi.services import scorecard
from luoshi.web import errors
from luoshi.web.config import Settings
from luoshi.web.deps import csrf_protect
from luoshi.web.routes import ROUTERS

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the scorecard snapshot before serving, so no visitor waits for it (each worker
    process keeps its own). A register not yet migrated is left for the first request."""
    # Handlers run on a thread pool, and Python runs one thread at a time: a few threads per
    # process keep the CPU as busy as forty, without a thread that holds the SQLite write lock
    # queueing for its turn behind all the others.
    anyio.to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threads
    maker: sessionmaker[Session] = app.state.sessionmaker
    try:
        with maker() as session:
            scorecard.snapshot(session)
    except SQLAlchemyError as exc:
        log.warning("scorecard not pre-built: %s", exc)
    # The snapshot and the modules are long-lived: keep them out of the cyclic collector's full
    # passes, which otherwise stop a worker for ~100 ms now and then (once per process).
    if not gc.get_freeze_count():
        gc.collect()
        gc.freeze()
    yield


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
        lifespan=_lifespan,
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
