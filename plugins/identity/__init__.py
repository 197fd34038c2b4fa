"""亮身份: organisations, administrators, cadre real-name registration and cards.

Domain rules live in orgs.py, admins.py, registration.py, cards.py and
roster.py; commands.py declares the chat forms that call them.
"""

from plugins.core.plugin import metadata, start
from plugins.identity.config import Config

__plugin_meta__ = metadata("亮身份", "组织树、管理员、团干部实名注册与名片", Config)
start(__name__, __plugin_meta__, requires=("plugins.core", "plugins.outbox"))
