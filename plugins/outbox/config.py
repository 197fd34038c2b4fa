"""Outbox settings: how much the bot may send on its own, and when."""

from datetime import time

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    outbox_worker: bool = True
    """Deliver in the background; tests switch it off and call deliver_due()."""
    outbox_poll_seconds: float = 5.0
    outbox_bot_daily_limit: int = 300
    """Private and group messages one QQ account may send per local day."""
    outbox_youth_daily_limit: int = 1
    """Unsolicited (bulk) private messages one youth may receive per local day."""
    outbox_staff_daily_limit: int = 20
    """The same for cadres and administrators, who also get work notices."""
    outbox_per_minute: int = 20
    """Pace per account, so a morning backlog is not sent as one burst."""
    outbox_quiet_start: time = time(22, 0)
    outbox_quiet_end: time = time(8, 0)
    outbox_keep_days: int = 30
    """Sent and failed messages (their text and recipient) are deleted after this many days."""
    outbox_max_attempts: int = 12
    """After this many refusals a message is marked failed (kept and shown in /发件箱)."""
    outbox_inbox_days: int = 30
    """Messages kept for someone the bot could not reach are deleted after this many days."""


settings = Settings(Config)
