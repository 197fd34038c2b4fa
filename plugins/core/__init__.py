"""Core: database lifecycle, the clock, the calendar, the caller and their scope, and the one
command dispatcher with its registry of declared commands.

Every other plugin requires this one and declares its chat commands with
`plugins.core.commands.command`. Importing it does nothing else (see plugin.py).
"""

from plugins.core.config import Config
from plugins.core.plugin import metadata, start

__plugin_meta__ = metadata("联青核心", "数据库、时钟、日历、调用者与范围、统一的指令分发", Config, kind="library")
start(__name__, __plugin_meta__, requires=())
