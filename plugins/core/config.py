"""Settings for the shared core: database and local time zone."""

from pydantic import BaseModel


class Config(BaseModel):
    database_url: str = "sqlite://data/lianqing.sqlite3"
    lianqing_timezone: str = "Asia/Shanghai"
    lianqing_tick_seconds: float = 30.0
    """How often due daily tasks and reminders are looked for."""
