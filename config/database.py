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
from typing import Any, TypeVar

from pydantic import BaseModel

S = TypeVar("S", bound=BaseModel)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite://data/lianqing.sqlite3"


class _DatabaseSettings(BaseModel):
    """The one setting needed here, declared as the core plugin declares it."""

    database_url: str = DEFAULT_DATABASE_URL


def load_settings(cls: type[S], root: Path = ROOT) -> S:
    """A plugin's settings exactly as the bot started in `root` would see them.

    The same steps as NoneBot's `init` and `get_plugin_config`: NoneBot's Config
    from `.env` and `.env.{ENVIRONMENT}`, then a plugin setting completed from the
    process environment, the driver's values taking precedence. Used where NoneBot
    is not running (the CLI, Tortoise's CLI, scripts)."""
    from nonebot.compat import model_dump, type_validate_python
    from nonebot.config import BaseSettings, Config, Env

    env_file = root / ".env"
    files = (env_file, root / f".env.{Env(_env_file=env_file).environment}")  # type: ignore[call-arg]
    nonebot_config = Config(_env_file=files)  # type: ignore[call-arg]
    values = BaseSettings._settings_build_values(
        cls,
        model_dump(nonebot_config),
        env_file=files,
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
    )
    return type_validate_python(cls, values)


def database_url(root: Path = ROOT) -> str:
    """`DATABASE_URL` exactly as the bot started in `root` sees it."""
    return load_settings(_DatabaseSettings, root).database_url


POSTGRES_SERVER_SETTINGS = {
    "plan_cache_mode": "force_custom_plan",
    "work_mem": "64MB",
}
"""Session settings of every PostgreSQL connection (a URL's own `server_settings` win).

asyncpg prepares every statement; after five runs PostgreSQL may switch a prepared
statement to a generic plan that ignores the parameters' values, and a per-cadre or
per-subtree count then scans far more than it needs (9.2 s instead of 1.2 s measured
for the province's contact counts). `force_custom_plan` plans each run with its
values. The dashboard's aggregates hash and sort a million rows: 64 MB per operation
keeps them in memory instead of spilling to disk (the default is 4 MB)."""


def connection(url: str) -> str | dict[str, Any]:
    """Tortoise's connection for `url`: PostgreSQL gets POSTGRES_SERVER_SETTINGS."""
    if not url.startswith(("postgres://", "asyncpg://")):
        return url
    from tortoise.backends.base.config_generator import expand_db_url

    conf = expand_db_url(url)
    if conf["engine"] != "tortoise.backends.asyncpg":
        return url
    server = dict(conf["credentials"].get("server_settings") or {})
    conf["credentials"]["server_settings"] = {**POSTGRES_SERVER_SETTINGS, **server}
    return conf


def tortoise_config(url: str | None = None) -> dict[str, Any]:
    """The Tortoise config dict. Times are stored in UTC (see plugins/core/clock.py)."""
    return {
        "connections": {"default": connection(url or database_url())},
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
