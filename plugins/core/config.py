"""Settings for the shared core: database and local time zone."""

from pydantic import BaseModel

from plugins.core.settings import Settings


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
    lianqing_max_pending_events: int = 1000
    """Frames read from a OneBot connection and waiting to be handled (commands, private
    messages, notices, group messages that are not simply counted). When this many wait,
    the bot stops reading the socket until they are handled (see plugins/core/wire.py)."""
    lianqing_event_workers: int = 16
    """Frames handled at once per connection; commands and private messages go first."""
    lianqing_wire_stats_file: str = ""
    """If set, the OneBot connection's counters are written there ten times a second
    (frames read, counted, handled, waiting), for bench/overload.py."""


settings = Settings(Config)
