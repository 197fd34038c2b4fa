"""/退出 全部 also deletes the messages kept for the person and the mentions about them."""

from plugins.outbox import inbox


async def _erase_inbox(qq: int, youth_id: int | None) -> bool:
    return await inbox.erase(qq)
