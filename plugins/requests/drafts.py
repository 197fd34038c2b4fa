"""Cases a cadre records for a youth (代记): a concern heard face to face.

Until the youth confirms it is a draft (CaseDraft): only the cadre sees it, it counts
nowhere. /同意 代记 turns it into an ordinary case (routed to that cadre, the clock
starting then); /拒绝 代记 deletes it, and so does the retention check after
DRAFT_DAYS without an answer. Only a youth who has consented (/同意) can be named:
nothing is stored about anyone else."""

from datetime import timedelta

from tortoise.transactions import in_transaction

from models import Cadre, Case, CaseDraft
from plugins.contacts.consented import in_database
from plugins.core import clock
from plugins.core.errors import Conflict, Forbidden, NotFound
from plugins.core.text import ref
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue
from plugins.requests import cases, notices
from plugins.requests.texts import Category

DRAFT_DAYS = 7


async def record(cadre: Cadre, qq: int, category: Category, text: str) -> CaseDraft:
    content = cases.check_content(text)
    if qq == cadre.qq:
        raise Conflict("不能为自己代记诉求")
    if not await in_database({qq}):
        raise Conflict(
            f"QQ {qq} 还没有同意联青记录他的信息，不能代记。请他先私聊联青发送 /同意，或自己发 /诉求 <内容>"
        )
    name = chat_name(cadre.org, cadre.name)
    async with in_transaction():
        draft = await CaseDraft.create(
            cadre=cadre, youth_qq=qq, category=category.value, content=content, created_at=clock.now()
        )
        await enqueue(
            qq,
            f"{name}为你记录了一件诉求：{notices.body(content, draft.id, 200)}\n"
            f"对的话回复 /同意 代记 {draft.id} 确认，不对回复 /拒绝 代记 {draft.id}。"
            f"{DRAFT_DAYS} 天内不回复就删除。",
            category="case_draft", bulk=False, dedup_key=f"case_draft:{draft.id}",
        )
    return draft


async def _own(qq: int, number: int) -> CaseDraft:
    draft = await CaseDraft.get_or_none(id=number).prefetch_related("cadre__org")
    if draft is None:
        raise NotFound(f"没有等你确认的代记 {ref(number)}（可能已过 {DRAFT_DAYS} 天被删除）")
    if draft.youth_qq != qq:
        raise Forbidden(f"代记 {ref(number)} 不是为你记录的")
    return draft


async def confirm(qq: int, number: int) -> tuple[Case, cases.Route]:
    draft = await _own(qq, number)
    async with in_transaction():
        if not await CaseDraft.filter(id=draft.id).delete():
            raise Conflict(f"代记 {ref(number)} 刚刚已经处理过了")
        case, route = await cases.open_case(
            qq, draft.content, category=Category(draft.category), named=draft.cadre, recorded=True,
        )
    return case, route


async def refuse(qq: int, number: int) -> CaseDraft:
    draft = await _own(qq, number)
    async with in_transaction():
        await CaseDraft.filter(id=draft.id).delete()
        await enqueue(
            draft.cadre.qq, f"你代记的诉求（代记 {ref(draft.id)}）对方回复“不对”，已删除。",
            category="case_draft", dedup_key=f"case_draft:{draft.id}:refused",
        )
    return draft


async def for_cadre(cadre: Cadre) -> list[CaseDraft]:
    return await CaseDraft.filter(cadre_id=cadre.id).order_by("id").limit(20)


async def expire() -> int:
    """Drafts unanswered for DRAFT_DAYS are deleted."""
    return await CaseDraft.filter(created_at__lt=clock.now() - timedelta(days=DRAFT_DAYS)).delete()


async def forget(qq: int) -> int:
    """/退出 全部."""
    return await CaseDraft.filter(youth_qq=qq).delete()

