"""What the identity plugin registers: its commands, the organisation resolver, retention."""

from datetime import time

from plugins.core import schedule
from plugins.core.commands import add_resolver
from plugins.identity import orgs, registration
from plugins.identity.config import settings


def setup() -> None:
    from plugins.identity import commands  # noqa: F401  (declares the chat commands)

    add_resolver("org", orgs.find_org)
    schedule.daily("identity_retention", time(3, 45))(_retention)


async def _retention() -> None:
    await registration.forget_decided(settings().identity_application_keep_days)
