"""Interaction settings: flush interval, answer window, retention, topic limits."""

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    interaction_record: bool = True
    """Record group messages at all (off only to measure the framework's own ceiling)."""
    interaction_flush_seconds: float = 5.0
    """Counters are written at most this often (and at shutdown); a crash loses at most this."""
    interaction_answer_window_hours: float = 24.0
    """A cadre's quote or @ answers a youth message sent at most this long before."""
    interaction_text_retention_days: int = 180
    """Topic and reply text is deleted after this many days; the counts stay."""
    interaction_count_retention_days: int = 400
    """Per-member daily message counts are kept this long."""
    interaction_flush_worker: bool = True
    """Flush in the background; tests switch it off and call flush()."""
    interaction_title_max: int = 60
    interaction_body_max: int = 1000


settings = Settings(Config)
