"""After /退出 全部, no table holds the youth's personal data: every column of every table is searched."""

from datetime import timedelta

from nonebug import App
from tortoise import Tortoise
from tortoise.fields import BigIntField, CharField, JSONField, TextField

from models import (
    Activity,
    ActivityFeedback,
    BoundGroup,
    Case,
    CaseDraft,
    CheckIn,
    Exchange,
    GroupMember,
    Handover,
    HelpPost,
    InboxMessage,
    Invitation,
    MessageCount,
    SignUp,
    SpotCheck,
    SpotCheckQuestion,
    Topic,
    TopicReply,
    Youth,
)
from plugins.contacts.links import consent, join
from plugins.core import clock
from plugins.interaction import recorder
from plugins.outbox import enqueue
from tests.helpers import Contains, converse, private
from tests.seed import make_cadre, seed_tree

QQ = 52_345_678_901  # distinctive: cannot collide with another id in the test data
NICKNAME = "独一无二的昵称"
CONTENT = "我家的地址是幸福路 88 号"

# Columns allowed to keep something: the keyed hash that stops recording them, and the
# text of their requests, which the organisation keeps as its problem record without
# the identity (issue: cases are anonymised, not deleted).
ALLOWED = {("opt_out", "qq_hash"), ("case", "content"), ("case_event", "text")}


async def everything_about_the_youth() -> None:
    tree = await seed_tree()
    cadre = await make_cadre(20001, "张三", tree.hangzhou)
    now = clock.now()
    await join(QQ, NICKNAME, cadre, source="group", group_id=700)
    await consent(QQ)
    await BoundGroup.create(group_id=700, cadre=cadre, bot_id=10000, bound_by=20001, bound_at=now, synced_at=now)
    await GroupMember.create(group_id=700, qq=QQ, seen_at=now)
    await MessageCount.create(group_id=700, qq=QQ, day=clock.today(), cadre=cadre, count=3)
    topic = await Topic.create(cadre=cadre, title="话题", created_at=now)
    await TopicReply.create(topic=topic, group_id=700, qq=QQ, message_id=1, text=CONTENT, created_at=now)
    await Exchange.create(cadre=cadre, group_id=700, youth_qq=QQ, youth_message_id=1, latency_seconds=5, kind="reply", answered_at=now)
    activity = await Activity.create(cadre=cadre, kind="offline", title="活动", day=clock.today(), code="123456", created_at=now)
    await CheckIn.create(activity=activity, qq=QQ, created_at=now)
    await SignUp.create(activity=activity, qq=QQ, created_at=now)
    await ActivityFeedback.create(activity=activity, qq=QQ, asked_at=now)
    await Case.create(youth_qq=QQ, category="difficulty", content=CONTENT, cadre=cadre, org=tree.hangzhou, created_at=now)
    await HelpPost.create(cadre=cadre, qq=QQ, kind="need", content=CONTENT, created_at=now)
    await CaseDraft.create(cadre=cadre, youth_qq=QQ, category="other", content=CONTENT, created_at=now)
    check = await SpotCheck.create(cadre=cadre, requested_by=30002, sample_size=1, quarter="2026Q4", created_at=now)
    await SpotCheckQuestion.create(check=check, cadre=cadre, youth_qq=QQ, quarter="2026Q4", answer="yes", asked_at=now, answered_at=now)
    await Invitation.create(cadre=cadre, qq=QQ, created_at=now - timedelta(days=1))
    # Asked whether to keep in touch with the successor of a cadre who left.
    successor = await make_cadre(20002, "李四", tree.hangzhou)
    youth_id = (await Youth.get(qq=QQ)).id
    await Handover.create(youth_id=youth_id, from_cadre=cadre, to_cadre=successor, asked_at=now)
    await enqueue(QQ, f"给 {NICKNAME} 的一条提醒", category="test")
    # Kept because the bot could not reach them privately, and the @-mention about it.
    await InboxMessage.create(qq=QQ, text=f"给 {NICKNAME} 的暂存消息", category="test", created_at=now)
    await enqueue(QQ, "联青有 {n} 条消息给你", category="inbox_mention", target_type="mention", group_id=700, bulk=False)


async def leftovers(qq: int = QQ, texts: tuple[str, ...] = (NICKNAME, CONTENT)) -> list[str]:
    """Every (table, column) where the QQ, the nickname or the typed content still appears."""
    found = []
    needles = (str(qq), *texts)
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        for name, f in model._meta.fields_map.items():
            if (table, name) in ALLOWED or getattr(f, "reference", None):
                continue
            if isinstance(f, BigIntField) and not f.pk:  # QQ numbers live in BigIntField only
                if await model.filter(**{name: qq}).exists():
                    found.append(f"{table}.{name} = QQ")
            elif isinstance(f, (CharField, TextField)):
                for needle in needles:
                    if await model.filter(**{f"{name}__contains": needle}).exists():
                        found.append(f"{table}.{name} contains {needle!r}")
            elif isinstance(f, JSONField):
                for row in await model.all().values_list(name, flat=True):
                    if any(n in str(row) for n in needles):
                        found.append(f"{table}.{name} (json)")
    return found


async def test_leave_all_leaves_nothing_personal(app: App) -> None:
    await everything_about_the_youth()
    assert len(await leftovers()) >= 10  # the search does find the data before
    await converse(app, private(QQ, "/退出 全部"), Contains("要删除的是"), then_deliver=False)
    await converse(app, private(QQ, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    await recorder.flush()
    assert await leftovers() == []
    assert not await Handover.exists()
    # What the organisation keeps: the case (anonymised), the counts, the attendance.
    case = await Case.get()
    assert case.youth_qq is None
    assert await MessageCount.filter(qq=0).values_list("count", flat=True) == [3]
    assert await CheckIn.filter(qq__isnull=True).count() == 1
