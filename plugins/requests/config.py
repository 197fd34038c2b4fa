"""Settings for requests, the problem list and mutual help (defaults as in the README)."""

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    requests_first_answer_hours: float = 48.0
    """A case should get its first answer within this many hours, else the cadre is reminded."""
    requests_escalate_days: float = 5.0
    """Unanswered after this many days: escalated to the organisation's administrators."""
    requests_daily_limit: int = 5
    """Cases one person may open per local day."""
    requests_content_max: int = 2000
    """Longest case content, reply or supplement, in characters."""
    requests_help_daily_limit: int = 5
    """Mutual-help posts one youth may publish per local day."""
    requests_check_seconds: float = 300.0
    """How often (clock time) service levels are checked and old export files removed."""
    requests_export_dir: str = "data/exports"
    """Where /清单 导出 writes its .xlsx files (the OneBot side must be able to read them)."""
    requests_export_keep_hours: float = 24.0
    """Exported files are deleted after this many hours."""
    requests_content_keep_days: int = 1095
    """A closed case's content, notes, comments and the youth's QQ are deleted this many days
    after closing; category, dates and rating stay (the organisation's problem record)."""
    requests_help_keep_days: int = 180
    """Mutual-help posts lose their text and poster this many days after posting."""
    requests_urgent_hours: float = 2.0
    """An urgent case's first-answer deadline; unanswered by then, the next level's
    administrators are told (at any hour)."""
    requests_referral_followup_days: float = 7.0
    """After a referral (/转介) without an outcome for this many days, the handler is reminded once."""
    requests_urgent_phrases: str = ""
    """A file of urgent phrases, one a line (! first: immediate danger); empty: the
    built-in plugins/requests/urgent_phrases.txt."""


settings = Settings(Config)
