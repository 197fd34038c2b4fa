"""What /退出 全部 does to interaction records: counts stay, identities and text go."""

from tortoise.transactions import in_transaction

from models import Exchange, MessageCount, TopicReply
from plugins.core.sql import execute
from plugins.interaction import recorder


async def anonymise(qq: int, youth_id: int | None) -> bool:
    recorder.forget(qq)
    counted = await MessageCount.filter(qq=qq).exists()
    async with in_transaction() as conn:
        await execute(
            "INSERT INTO message_count (group_id, qq, day, cadre_id, is_cadre, count) "
            "SELECT group_id, 0, day, cadre_id, is_cadre, count FROM message_count WHERE qq = ? "
            "ON CONFLICT (group_id, qq, day) DO UPDATE SET count = message_count.count + excluded.count",
            qq,
            conn=conn,
        )
        await execute("DELETE FROM message_count WHERE qq = ?", qq, conn=conn)
    replies = await TopicReply.filter(qq=qq).update(qq=0, text=None)
    exchanges = await Exchange.filter(youth_qq=qq).update(youth_qq=0)
    return counted or bool(replies) or bool(exchanges)
