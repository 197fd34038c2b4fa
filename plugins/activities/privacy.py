"""What /退出 全部 does to check-ins: the attendance stays, the identity goes."""

from models import CheckIn
from plugins.contacts.links import on_erase


@on_erase
async def anonymise(qq: int, youth_id: int | None) -> bool:
    return bool(await CheckIn.filter(qq=qq).update(qq=None))
