"""管理后台: the web dashboard served by the bot's own web server under /dashboard.

Sign-in is by a one-time link from `/登录` in a private chat; every page builds
the viewer's Actor and shows only their organisation subtree (or, for a cadre,
their own page). Routes are thin; the figures come from services shared with
the chat commands.
"""

from plugins.core.plugin import metadata, start
from plugins.dashboard.config import Config

__plugin_meta__ = metadata("管理后台", "网页管理后台：概览、团干部、问题清单、名册导入与导出", Config)
start(
    __name__, __plugin_meta__,
    requires=("plugins.core", "plugins.identity", "plugins.contacts", "plugins.interaction", "plugins.activities",
              "plugins.evaluation", "plugins.requests"),
)
