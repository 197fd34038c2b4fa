"""线上互动: topics, replies linked to them, and exchanges that reward two-way contact.

Messages in bound groups are counted per member per day (not their text) in
memory and written in batches; topic replies keep their text for a retention
period; a youth message the cadre answers (quote or @) is one exchange.
"""

from plugins.core.plugin import metadata, start
from plugins.interaction.config import Config

__plugin_meta__ = metadata("线上互动", "话题、回复与双向交流的统计（只计条数，不存普通聊天内容）", Config)
start(__name__, __plugin_meta__, requires=("plugins.core", "plugins.outbox", "plugins.identity", "plugins.contacts"))
