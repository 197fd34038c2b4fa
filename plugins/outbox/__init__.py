"""发件箱: the one queue for every message the bot sends on its own initiative.

Reminders, notices, surveys and spot checks are queued with `enqueue` and
delivered by one loop per process, within a daily budget per QQ account and
per recipient, outside quiet hours, retried when the OneBot side refuses;
privately to friends, through temporary sessions to others, and into the
person's inbox (/消息) when QQ offers no private path.
"""

from plugins.core.plugin import metadata, start
from plugins.outbox.config import Config
from plugins.outbox.service import enqueue

__plugin_meta__ = metadata("发件箱", "主动消息的统一队列：每日额度、免打扰时段、失败重试", Config)
start(__name__, __plugin_meta__)

__all__ = ["enqueue"]
