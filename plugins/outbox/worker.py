"""The background loop that drains the outbox in each bot process."""

from nonebot.log import logger

from plugins.core.loops import Loop
from plugins.outbox import service


async def _run() -> None:
    while True:
        try:
            await service.deliver_due()
        except Exception as e:  # the database may be restarting; try again next round
            logger.opt(exception=e).warning("outbox delivery round failed")
        await service.wait_for_kick(service.settings().outbox_poll_seconds)


loop = Loop("lianqing-outbox", _run)
start = loop.start
stop = loop.stop
