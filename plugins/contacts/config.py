"""Contacts settings: representativeness, overlap, invitation rations, retention."""

from datetime import time
from typing import Literal

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    contacts_field_flag_share: float = 0.8
    """Flag a cadre when more than this share of contacts with a known field share one field."""
    contacts_field_flag_min: int = 5
    """…and at least this many contacts have a field filled in."""
    contacts_thin_field_share: float = 0.05
    """/联系概况 lists fields below this share of the subtree's contacts as thin."""
    contacts_overlap_cadres: int = 3
    """A youth confirmed by this many cadres or more is a 重复联系."""
    contacts_invite_daily: int = 20
    contacts_invite_repeat_days: int = 30
    contacts_pending_days: int = 7
    """Unconfirmed links (no /同意) are deleted after this many days."""
    contacts_invitation_days: int = 30
    """Invitation records (the invitee's QQ) are deleted after this many days."""
    contacts_sync_on_connect: bool = True
    """When an account (re)connects, sync its groups not synced for CONTACTS_RESYNC_AFTER_HOURS."""
    contacts_resync_after_hours: float = 6.0
    """A group synced less than this many hours ago is not synced again after a reconnection."""
    contacts_sync_per_minute: int = 60
    """At most this many member-list calls per account per minute (start-up, reconnection, daily)."""
    contacts_sync_time: time = time(4, 30)
    """Daily member sync and snapshot, local time."""
    contacts_news_time: time = time(20, 0)
    """Local time of the cadre's daily line "今天新增 3 人（23/100）" (only on days with new contacts)."""
    lianqing_hash_secret: str = ""
    """Key for the hashes of QQs that must not be recorded; empty: generated once and kept in
    LIANQING_HASH_SECRET_FILE (every process on one database must use the same key)."""
    lianqing_hash_secret_file: str = "data/hash_secret"
    lianqing_friend_approve: Literal["members", "all", "none"] = "members"
    """Whose friend requests the bot accepts: members of bound groups, cadres,
    administrators and superusers; everyone; or nobody (left to the operator)."""


settings = Settings(Config)
