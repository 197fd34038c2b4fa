"""Settings for the shared core: database and local time zone."""

from pydantic import BaseModel


class Config(BaseModel):
    database_url: str = "sqlite://data/lianqing.sqlite3"
    lianqing_timezone: str = "Asia/Shanghai"
    lianqing_tick_seconds: float = 30.0
    """How often due daily tasks and reminders are looked for."""
    privacy_identity_days: int = 400
    """Youth QQs on exchanges, check-ins, spot-check and survey answers become anonymous
    (0) this many days after the event; the counts stay (PRIVACY_IDENTITY_DAYS)."""
