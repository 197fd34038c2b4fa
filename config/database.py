"""Tortoise ORM configuration: one app, `models`, with its built-in migrations.

`database_url()` must name the database the bot uses, or `python -m cli` and
Tortoise's own CLI would migrate, import into or back up another one. So it
asks NoneBot's own settings classes, with the files NoneBot reads: `.env`
decides `ENVIRONMENT` (default `prod`), then `.env`, `.env.{ENVIRONMENT}` and
the process environment are merged with NoneBot's precedence (environment over
`.env.{ENVIRONMENT}` over `.env`; names case-insensitive). Reimplementing that
order by hand got it wrong once (`.env.prod` was never read).
"""

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite://data/lianqing.sqlite3"


def nonebot_settings(root: Path = ROOT) -> dict[str, Any]:
    """Every setting as the bot started in `root` would see it (lower-case names)."""
    from nonebot.config import Config, Env

    env_file = root / ".env"
    environment = Env(_env_file=env_file).environment
    config = Config(_env_file=(env_file, root / f".env.{environment}"))
    return {"environment": environment, **config.model_dump()}


def database_url(root: Path = ROOT) -> str:
    """`DATABASE_URL` as the bot sees it, else embedded SQLite (the core plugin's default).

    Like the bot, this takes the variable from the environment only because the
    committed `.env` names it: NoneBot reads a setting it does not declare itself
    from the environment only when some dotenv file names it too."""
    return str(nonebot_settings(root).get("database_url") or DEFAULT_DATABASE_URL)


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
