"""Settings for the web app, read once from the environment and checked at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass

from luoshi.errors import LuoshiError
from luoshi.registry.db import database_url


class ConfigError(LuoshiError):
    """A setting has a value the app cannot run with."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: must be a whole number") from None


@dataclass(frozen=True)
class Settings:
    database_url: str
    cookie_secure: bool  # set LUOSHI_COOKIE_SECURE=1 behind HTTPS
    max_upload_bytes: int
    idle_minutes: int
    public_pages: bool  # 信息公开: read-only pages for everyone
    threads: int = 4  # request threads per worker process

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=database_url(),
            cookie_secure=os.environ.get("LUOSHI_COOKIE_SECURE", "") in ("1", "true", "yes"),
            max_upload_bytes=_int("LUOSHI_MAX_UPLOAD_MB", 20) * 1024 * 1024,
            idle_minutes=_int("LUOSHI_IDLE_MINUTES", 30),
            public_pages=os.environ.get("LUOSHI_PUBLIC_PAGES", "1") not in ("0", "false", "no"),
            threads=max(1, _int("LUOSHI_THREADS", 4)),
        )
