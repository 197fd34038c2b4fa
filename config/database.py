"""Tortoise ORM configuration: one app, `models`, with its built-in migrations."""

import os
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite://data/lianqing.sqlite3"


def database_url() -> str:
    """`DATABASE_URL` from the environment, else from `.env`, else embedded SQLite."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = dotenv_values(ROOT / ".env").get("DATABASE_URL") or DEFAULT_DATABASE_URL
    return url


def tortoise_config(url: str | None = None) -> dict[str, Any]:
    """The Tortoise config dict. Times are stored in UTC (see plugins/core/clock.py)."""
    return {
        "connections": {"default": url or database_url()},
        "apps": {
            "models": {
                "models": ["models"],
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Used by Tortoise's CLI: `tortoise -c config.database.TORTOISE_ORM makemigrations`
TORTOISE_ORM = tortoise_config()
