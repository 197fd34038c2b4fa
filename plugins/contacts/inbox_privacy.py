"""/退出 全部 also deletes the messages kept for the person and the mentions about them."""

from plugins.contacts.links import on_erase
from plugins.outbox import inbox


@on_erase
async def _erase_inbox(qq: int, youth_id: int | None) -> bool:
    return await inbox.erase(qq)
