"""Mutual help (互助): needs and offers in a cadre's circle, introduced only with both sides' consent.

A post belongs to the circle of the youth's cadre (the bound group's cadre when
posted there and linked, else the most recently confirmed one) and is visible
to that cadre's confirmed contacts without the poster's identity. The cadre
proposes a match; each youth is asked; only when both agree does each receive
the other's QQ. Answers are conditional UPDATEs, so the contacts go out once.
"""

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import Cadre, ContactLink, HelpMatch, HelpPost
from models.enums import HelpKind, HelpMatchStatus, HelpStatus
from plugins.contacts import usage
from plugins.contacts.groups import bound_group
from plugins.core import clock
from plugins.core.errors import Conflict, NotFound, UsageError
from plugins.core.text import clean, ref
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue
from plugins.requests.access import parse_number, youth_labels
from plugins.requests.config import settings
from plugins.requests.texts import HELP_KIND_LABELS, HELP_KIND_WORDS, excerpt

HELP_MAX = 500  # column size
LIST_LIMIT = 30


NO_CIRCLE = (
    "互助在你联系的团干部的联系青年之间进行。请先与团干部建立联系："
    "私聊发送 /加入 <团干部编号>，或在团干部的群里发送 /加入"
)


async def circle_of(qq: int, group_id: int | None) -> Cadre:
    """The cadre whose circle a youth posts to."""
    if group_id is not None:
        bound = await bound_group(group_id)
        if bound is not None and await ContactLink.exists(
            youth__qq=qq, cadre_id=bound.cadre_id, status="confirmed"
        ):
            return bound.cadre
    link = (
        await ContactLink.filter(youth__qq=qq, status="confirmed")
        .order_by("-confirmed_at", "-id")
        .prefetch_related("cadre__org")
        .first()
    )
    if link is None:
        raise UsageError(NO_CIRCLE)
    return link.cadre


def check_help(text: str) -> str:
    content = clean(text, 1_000_000)
    if not content:
        raise UsageError("请写上互助内容，例如 /互助 需要 找人一起练英语口语")
    if len(content) > HELP_MAX:
        raise UsageError(f"互助内容最多 {HELP_MAX} 个字，现在有 {len(content)} 个字")
    return content


async def post(qq: int, kind: str, text: str, group_id: int | None = None) -> tuple[HelpPost, Cadre]:
    content = check_help(text)
    cadre = await circle_of(qq, group_id)
    now = clock.now()
    limit = settings().requests_help_daily_limit
    if await usage.used_today(qq, "help_post") >= limit:
        raise Conflict(f"你今天已经发布了 {limit} 条互助，达到每天的上限，请明天再来")
    async with in_transaction() as conn:
        item = await HelpPost.create(cadre=cadre, qq=qq, kind=kind, content=content, created_at=now)
        await usage.count_use(qq, "help_post", conn)
        await enqueue(
            cadre.qq,
            f"【互助 {ref(item.id)}】你的联系青年发布了{HELP_KIND_LABELS[kind]}：{content}\n"
            "发送 /互助 列表 查看，/互助 匹配 <需要编号> <提供编号> 为双方牵线（双方都同意才交换联系方式）。",
            category="help_post",
            dedup_key=f"help:{item.id}:new",
        )
    return item, cadre


async def withdraw(qq: int, token: str | int | None) -> HelpPost:
    number = parse_number(token, "互助编号")
    item = await HelpPost.get_or_none(id=number)
    if item is None or item.qq != qq:
        raise NotFound(f"没有你发布的互助 {ref(number)}，可发送 /互助 列表 查看")
    if item.status == HelpStatus.closed:
        raise Conflict(f"互助 {ref(number)} 已撤回")
    async with in_transaction():
        await HelpPost.filter(id=item.id).update(status=HelpStatus.closed)
        await cancel_matches([item.id])
    item.status = HelpStatus.closed
    return item


async def cancel_matches(post_ids: list[int]) -> None:
    """Matches still asking about these posts are declined; their other posts reopen."""
    asked = await HelpMatch.filter(status=HelpMatchStatus.asked).filter(need_id__in=post_ids).values_list("id", "offer_id")
    asked += await HelpMatch.filter(status=HelpMatchStatus.asked).filter(offer_id__in=post_ids).values_list("id", "need_id")
    if not asked:
        return
    await HelpMatch.filter(id__in=[m for m, _ in asked]).update(status=HelpMatchStatus.declined)
    others = [p for _, p in asked if p not in post_ids]
    await HelpPost.filter(id__in=others, status=HelpStatus.matched).update(status=HelpStatus.open)


# ------------------------------------------------------------------ listing


@dataclass
class Listing:
    posts: list[HelpPost]
    own: set[int]
    matches: list[HelpMatch]
    names: dict[int, str]


async def for_youth(qq: int) -> Listing:
    """Open posts in the circles the youth belongs to, their own posts, their pending matches."""
    cadre_ids = await ContactLink.filter(youth__qq=qq, status="confirmed").values_list("cadre_id", flat=True)
    open_posts = (
        await HelpPost.filter(cadre_id__in=list(cadre_ids), status=HelpStatus.open).order_by("-id").limit(LIST_LIMIT)
    )
    mine = await HelpPost.filter(qq=qq, status__not=HelpStatus.closed).order_by("-id").limit(LIST_LIMIT)
    posts = {p.id: p for p in [*mine, *open_posts]}
    mine_ids = {p.id for p in mine}
    matches = await HelpMatch.filter(status=HelpMatchStatus.asked).filter(need_id__in=list(mine_ids)) if mine_ids else []
    matches += await HelpMatch.filter(status=HelpMatchStatus.asked).filter(offer_id__in=list(mine_ids)) if mine_ids else []
    return Listing(sorted(posts.values(), key=lambda p: -p.id), mine_ids, matches, {})


async def for_cadre(cadre: Cadre) -> Listing:
    posts = await HelpPost.filter(cadre=cadre, status__in=[HelpStatus.open, HelpStatus.matched]).order_by("-id").limit(LIST_LIMIT * 2)
    matches = await HelpMatch.filter(cadre=cadre, status=HelpMatchStatus.asked).order_by("-id").limit(LIST_LIMIT)
    names = await youth_labels([p.qq for p in posts if p.qq is not None])
    return Listing(posts, set(), matches, names)


# ------------------------------------------------------------------ matching


async def _circle_post(cadre: Cadre, token: str | int | None, what: str) -> HelpPost:
    number = parse_number(token, what)
    item = await HelpPost.get_or_none(id=number)
    if item is None or item.cadre_id != cadre.id:
        raise NotFound(f"你的联系青年中没有互助 {ref(number)}，可发送 /互助 列表 查看")
    return item


async def match(cadre: Cadre, need_token: str | int | None, offer_token: str | int | None) -> HelpMatch:
    """Propose an introduction and ask both youth; nothing is shared yet."""
    need = await _circle_post(cadre, need_token, "需要编号")
    offer = await _circle_post(cadre, offer_token, "提供编号")
    if need.id == offer.id:
        raise Conflict(f"不能把互助 {ref(need.id)} 与它自己匹配，请写一条“需要”和一条“提供”")
    if need.kind != HelpKind.need or offer.kind != HelpKind.offer:
        raise UsageError(
            f"互助 {ref(need.id)} 是“{HELP_KIND_LABELS[need.kind]}”，{ref(offer.id)} 是“{HELP_KIND_LABELS[offer.kind]}”；"
            "请先写“需要”的编号，再写“提供”的编号"
        )
    for item in (need, offer):
        if item.status != HelpStatus.open:
            state = "已在匹配中" if item.status == HelpStatus.matched else "已撤回"
            raise Conflict(f"互助 {ref(item.id)} {state}，不能再匹配")
        if item.qq is None:
            raise Conflict(f"互助 {ref(item.id)} 的发布人已删除个人信息，不能匹配")
    if need.qq == offer.qq:
        raise Conflict(f"互助 {ref(need.id)} 和 {ref(offer.id)} 是同一位青年发布的，不能互相匹配")
    now = clock.now()
    name = chat_name(cadre.org, cadre.name)
    async with in_transaction():
        taken = await HelpPost.filter(id__in=[need.id, offer.id], status=HelpStatus.open).update(status=HelpStatus.matched)
        if taken != 2:
            raise Conflict("其中一条互助刚刚被匹配或撤回了，请发送 /互助 列表 查看后再试")
        found = await HelpMatch.create(cadre=cadre, need=need, offer=offer, created_at=now)
        for mine, other in ((need, offer), (offer, need)):
            await _tell(
                found, mine.qq, "ask",
                f"【互助介绍 {ref(found.id)}】{name}想为你的互助 {ref(mine.id)}（{HELP_KIND_LABELS[mine.kind]}：{excerpt(mine.content)}）"
                f"介绍一位青年，对方{HELP_KIND_LABELS[other.kind]}：{other.content}\n"
                f"双方都同意后才会互相告知 QQ 号。同意请发送 /互助 同意 {found.id}，不同意发送 /互助 拒绝 {found.id}。",
                category="help_match",
            )
    return found


@dataclass
class Answer:
    match: HelpMatch
    outcome: str
    """waiting (the other side has not answered) | introduced | declined"""


async def answer(qq: int, token: str | int | None, agree: bool) -> Answer:
    number = parse_number(token, "介绍编号")
    found = await HelpMatch.get_or_none(id=number).prefetch_related("need", "offer", "cadre__org")
    if found is None or qq not in (found.need.qq, found.offer.qq):
        raise NotFound(f"没有发给你的互助介绍 {ref(number)}")
    side = "need_answer" if found.need.qq == qq else "offer_answer"
    if found.status != HelpMatchStatus.asked:
        state = "已经介绍成功" if found.status == HelpMatchStatus.introduced else "已经取消"
        raise Conflict(f"互助介绍 {ref(number)} {state}")
    if getattr(found, side) is not None:
        raise Conflict(f"你已经回复过互助介绍 {ref(number)} 了")
    other = found.offer if side == "need_answer" else found.need
    async with in_transaction():
        changed = await HelpMatch.filter(id=found.id, status=HelpMatchStatus.asked, **{f"{side}__isnull": True}).update(
            **{side: agree}, **({} if agree else {"status": HelpMatchStatus.declined})
        )
        if not changed:
            raise Conflict(f"互助介绍 {ref(number)} 刚刚有了变化，请稍后再试")
        if not agree:
            await HelpPost.filter(id__in=[found.need_id, found.offer_id], status=HelpStatus.matched).update(status=HelpStatus.open)
            await _tell_declined(found, other)
            return Answer(found, "declined")
        await found.refresh_from_db()
        if not (found.need_answer and found.offer_answer):
            return Answer(found, "waiting")
        if not await HelpMatch.filter(id=found.id, status=HelpMatchStatus.asked).update(status=HelpMatchStatus.introduced):
            return Answer(found, "waiting")
        await _introduce(found)
    return Answer(found, "introduced")


async def _introduce(found: HelpMatch) -> None:
    names = await youth_labels([found.need.qq, found.offer.qq])
    for mine, other in ((found.need, found.offer), (found.offer, found.need)):
        await _tell(
            found, mine.qq, "contact",
            f"【互助介绍 {ref(found.id)}】双方都同意了。对方（{HELP_KIND_LABELS[other.kind]}：{excerpt(other.content)}）："
            f"{names[other.qq]}。请直接联系，注意保护个人信息，不要转账或透露密码。",
            category="help_contact",
        )
    await _tell_cadre(found, "双方都已同意，已互相告知联系方式。")


async def _tell_declined(found: HelpMatch, other: HelpPost) -> None:
    if other.qq is not None:
        await _tell(
            found, other.qq, "declined",
            f"互助介绍 {ref(found.id)} 没有成行（对方暂不方便），你的互助 {ref(other.id)} 会继续等待合适的人。",
        )
    await _tell_cadre(found, "有一方不同意，已取消，两条互助重新等待匹配。")


async def _tell(found: HelpMatch, qq: int, step: str, text: str, category: str = "help_result") -> None:
    """A youth's private notice about an introduction, once per step: not bulk, they are part of it."""
    await enqueue(qq, text, category=category, bulk=False, dedup_key=f"help:{found.id}:{step}:{qq}")


async def _tell_cadre(found: HelpMatch, outcome: str) -> None:
    await enqueue(
        found.cadre.qq,
        f"互助介绍 {ref(found.id)}（需要 {ref(found.need_id)} ↔ 提供 {ref(found.offer_id)}）{outcome}",
        category="help_result",
        dedup_key=f"help:{found.id}:result",
    )


def check_kind(word: str) -> str:
    kind = HELP_KIND_WORDS.get(word)
    if kind is None:
        raise UsageError("请写“需要”或“提供”")
    return kind
