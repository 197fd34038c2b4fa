"""Activity and reminder settings (times local, defaults as in the README)."""

from datetime import time

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    activities_max_days_ahead: int = 30
    """Activities may be recorded at most this many days before they take place."""
    activities_quarter_grace_days: int = 7
    """A past quarter stays open for late records this many days after it ends."""
    activities_check_seconds: float = 300.0
    """How often (clock time) sign-up reminders and feedback questions are queued."""
    activities_sign_up_keep_days: int = 30
    """Sign-ups (who signed up) are deleted this many days after the activity's day."""
    reminders_enabled: bool = True
    """Work out and send reminders (end-to-end tests of other things switch them off)."""
    reminders_time: time = time(9, 0)
    """When the day's reminders are worked out and queued (local time)."""
    reminders_quarter_days_before_end: int = 10
    reminders_silence_days: int = 0
    """Nudge a cadre silent in their bound groups for this many days; 0 (default) is off:
    the 2024 rules against 指尖上的形式主义 discourage nudges to post for posting's sake."""
    cadre_card_time: time = time(9, 30)
    """When the Monday card goes to cadres (local time); caught up later that Monday."""
    cadre_card_days: int = 90
    """The card's five youth to reach come from contacts not heard from for this many days."""
    reminders_target_days: tuple[int, ...] = (1, 15, 25)
    """Days of August on which cadres below target are told their gap."""


settings = Settings(Config)
