"""联系青年: bound groups, confirmed contacts, counts that cannot be padded.

A youth counts toward a cadre's target only after confirming (/加入 + /同意);
members of bound groups are reachable, shown but never counted.
"""

from plugins.contacts.config import Config
from plugins.core.plugin import metadata, start

__plugin_meta__ = metadata("联系青年", "绑定联系群、青年确认联系、联系人数与重复联系统计", Config)
start(__name__, __plugin_meta__, requires=("plugins.core", "plugins.outbox", "plugins.identity"))
