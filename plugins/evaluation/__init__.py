"""评估: 实现度, 活跃度 and 满意度 — transparent scores, spot checks, surveys and rankings.

The formulas are pure functions (formulas.py) of inputs loaded with one SQL
GROUP BY each (inputs.py); results are advisory until an administrator
confirms a period, which freezes them (snapshot.py).
"""

from plugins.core.plugin import metadata, start
from plugins.evaluation.config import Config

__plugin_meta__ = metadata("评估", "实现度、活跃度、满意度与综合评估，抽查、满意度调查与排行", Config)
start(
    __name__, __plugin_meta__,
    requires=("plugins.core", "plugins.outbox", "plugins.identity", "plugins.contacts", "plugins.interaction",
              "plugins.activities", "plugins.requests"),
)
