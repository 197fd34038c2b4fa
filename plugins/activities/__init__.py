"""促活跃（线下）: activities, check-ins, and reminders that arrive exactly once.

Reminders are worked out once a day by clock-driven rules (see reminders.py),
recorded in `reminder_log` so each goes out once, merged per person and day,
and delivered through the outbox.
"""

from plugins.activities.config import Config
from plugins.core.plugin import metadata, start

__plugin_meta__ = metadata("线下活动与提醒", "记录线下活动、面对面交流和调研，青年签到，按季度和年度提醒", Config)
start(__name__, __plugin_meta__, requires=("plugins.core", "plugins.outbox", "plugins.identity", "plugins.contacts"))
