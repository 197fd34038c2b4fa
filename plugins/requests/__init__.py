"""重倾听、办实事: youth requests as tracked cases, the problem list, and mutual help.

A request becomes a case committed before the youth is answered (cases.py; who
may see and do what: access.py); its handler is reminded and the case escalated
by clock-driven service levels (sla.py, jobs.py); lists put overdue cases first
(listing.py); the problem list counts cases in SQL (problems.py) and exports
.xlsx (exports.py); mutual help introduces youth only with both sides' consent
(mutual_help.py); /退出 全部 anonymises (privacy.py).
"""

from plugins.core.plugin import metadata, start
from plugins.requests.config import Config

__plugin_meta__ = metadata("诉求与互助", "青年诉求的受理、答复、办结、上报与评价，问题清单及导出，青年互助", Config)
start(
    __name__, __plugin_meta__,
    requires=("plugins.core", "plugins.outbox", "plugins.identity", "plugins.contacts", "plugins.activities"),
)
