"""Settings for the shared core: database and local time zone."""

from pydantic import BaseModel


class Config(BaseModel):
    database_url: str = "sqlite://data/lianqing.sqlite3"
    lianqing_timezone: str = "Asia/Shanghai"
    lianqing_allow_no_token: bool = False
    """Start even when listening beyond loopback without ONEBOT_ACCESS_TOKEN (not recommended)."""
    lianqing_tick_seconds: float = 30.0
    """How often due daily tasks and reminders are looked for."""
    lianqing_group_commands_per_minute: int = 10
    """Commands one person may have answered per minute in a group (then one warning, then silence)."""
    lianqing_private_commands_per_minute: int = 30
    """The same in private chat."""
    lianqing_group_replies_per_minute: int = 60
    """Replies the bot gives in one group per minute, all senders together."""
    privacy_identity_days: int = 400
    """Youth QQs on exchanges, check-ins, spot-check and survey answers become anonymous
    (0) this many days after the event; the counts stay (PRIVACY_IDENTITY_DAYS)."""
