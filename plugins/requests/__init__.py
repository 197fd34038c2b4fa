"""重倾听、办实事: youth requests as tracked cases, the problem list, and mutual help.

A request becomes a case committed before the youth is answered (cases.py; who
may see and do what: access.py); its handler is reminded and the case escalated
by clock-driven service levels (sla.py, jobs.py); lists put overdue cases first
(listing.py); the problem list counts cases in SQL (problems.py) and exports
.xlsx (exports.py); mutual help introduces youth only with both sides' consent
(mutual_help.py); /退出 全部 anonymises (privacy.py).
"""

from nonebot import get_plugin_config, require
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.outbox")
require("plugins.identity")
require("plugins.contacts")
require("plugins.activities")

from datetime import time  # noqa: E402

from plugins.activities.reminders import add_digest_section  # noqa: E402
from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.requests import cases, commands, exports, jobs, mutual_help, privacy, problems, sla  # noqa: E402, F401
from plugins.requests.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="诉求与互助",
    description="青年诉求的受理、答复、办结、上报与评价，问题清单及导出，青年互助",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)


def configure(settings: Config) -> None:
    """Apply settings to every module (tests change them for one case)."""
    cases.configure(settings)
    sla.configure(settings)
    mutual_help.configure(settings)
    exports.configure(settings.requests_export_dir, settings.requests_export_keep_hours)


configure(config)


@schedule.daily("requests_retention", time(4, 0))
async def _retention() -> None:
    await privacy.expire_content(config.requests_content_keep_days, config.requests_help_keep_days)
schedule.every("requests_service_levels", config.requests_check_seconds)(jobs.check)
add_digest_section(problems.digest_line)
