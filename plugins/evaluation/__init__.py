"""评估: 实现度, 活跃度 and 满意度 — transparent scores, spot checks, surveys and rankings.

The formulas are pure functions (formulas.py) of inputs loaded with one SQL
GROUP BY each (inputs.py); results are advisory until an administrator
confirms a period, which freezes them (snapshot.py).
"""

from nonebot import get_driver, get_plugin_config, require
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.outbox")
require("plugins.identity")
require("plugins.contacts")
require("plugins.interaction")
require("plugins.activities")
require("nonebot_plugin_apscheduler")

from datetime import time  # noqa: E402

from nonebot_plugin_apscheduler import scheduler  # noqa: E402

from plugins.core import schedule  # noqa: E402
from plugins.core.commands import plugin_usage  # noqa: E402
from plugins.evaluation import answers, awaiting, commands, evaluate, export, privacy  # noqa: E402, F401
from plugins.evaluation.config import Config  # noqa: E402

__plugin_meta__ = PluginMetadata(
    name="评估",
    description="实现度、活跃度、满意度与综合评估，抽查、满意度调查与排行",
    usage=plugin_usage(__name__),
    type="application",
    config=Config,
    supported_adapters={"~onebot.v11"},
)

config = get_plugin_config(Config)
evaluate.configure(config)
# One folder for every export (REQUESTS_EXPORT_DIR, documented with the problem list).
export.configure(getattr(get_driver().config, "requests_export_dir", "data/exports"))
answers.configure(config)


async def _refresh_awaiting() -> None:
    await awaiting.refresh(config.evaluation_question_days)


scheduler.add_job(_refresh_awaiting, "interval", seconds=30, id="evaluation_awaiting", replace_existing=True)


@get_driver().on_startup
async def _load_awaiting() -> None:
    await _refresh_awaiting()


@schedule.daily("evaluation_retention", time(3, 55))
async def _retention() -> None:
    from plugins.core import config as core

    await privacy.expire_identities(core.privacy_identity_days)
