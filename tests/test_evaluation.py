"""Evaluation from recorded data: inputs, /评估, rankings, spot checks, surveys, snapshots."""

import base64
import io
from datetime import timedelta
from typing import Any, cast

from nonebug import App
from openpyxl import load_workbook
from tortoise.queryset import QuerySet

from models import (
    Activity,
    Case,
    CheckIn,
    EvaluationResult,
    Exchange,
    SpotCheckQuestion,
    SurveyQuestion,
    Topic,
    TopicReply,
)
from plugins.contacts.links import consent, join
from plugins.core import clock
from plugins.evaluation import answers
from plugins.evaluation.evaluate import CadreResult, evaluate_cadre
from tests.helpers import Api, Contains, Notice, converse, deliver, private
from tests.seed import HANGZHOU_ADMIN, NINGBO_ADMIN, PROVINCE_ADMIN, make_cadre, seed_tree

ZHANG, WANG = 20001, 20002


async def link(cadre, *qqs: int) -> None:
    for qq in qqs:
        if (await join(qq, f"青年{qq}", cadre, source="private")).needs_consent:
            await consent(qq)


async def scenario():
    """张三: 6 contacts, 2 answered topics, 3 exchanges, 1 check-in, 2 of 3 requests on time,
    an activity 10 days ago, no face to face, 5 ratings summing 20."""
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    wang = await make_cadre(WANG, "王五", tree.ningbo, category="part_time")
    now, today = clock.now(), clock.today()
    await link(zhang, *range(50001, 50007))
    await link(wang, 50001, 50002)
    for i in range(3):
        topic = await Topic.create(cadre=zhang, title=f"话题{i}", created_at=now - timedelta(days=5))
        if i < 2:  # the third got no youth reply
            await TopicReply.create(topic=topic, group_id=1, qq=50001, message_id=100 + i, text="好", created_at=now)
    for i in range(3):
        await Exchange.create(cadre=zhang, group_id=1, youth_qq=50002, youth_message_id=200 + i,
                              latency_seconds=60, kind="reply", answered_at=now - timedelta(days=1))
    await Exchange.create(cadre=zhang, group_id=1, youth_qq=50002, youth_message_id=299,
                          latency_seconds=60, kind="reply", answered_at=now - timedelta(days=100))  # too old
    activity = await Activity.create(cadre=zhang, kind="offline", title="志愿服务", day=today - timedelta(days=10),
                                     code="123456", credited=True, created_at=now)
    await CheckIn.create(activity=activity, qq=50003, created_at=now)
    for i, hours in enumerate((10, 47, 60)):  # on time, on time, late
        created = now - timedelta(days=3)
        await Case.create(youth_qq=50004 + i, category="difficulty", content="困难", cadre=zhang, org=tree.hangzhou,
                          status="answered", first_answer_at=created + timedelta(hours=hours), created_at=created)
    for rating in (5, 4, 4, 4, 3):
        await Case.create(youth_qq=50001, category="suggestion", content="建议", cadre=zhang, org=tree.hangzhou,
                          status="closed", rating=rating, rated_at=now - timedelta(days=20),
                          first_answer_at=now - timedelta(days=200), created_at=now - timedelta(days=200))
    return tree, zhang, wang


async def test_inputs_are_counted_from_the_records() -> None:
    _, zhang, _ = await scenario()
    r = await _evaluated(zhang.id)
    i = r.inputs
    assert (i.confirmed, i.target) == (6, 100)
    assert (i.topics_answered, i.exchanges, i.check_ins) == (2, 3, 1)
    assert (i.requests_received, i.requests_on_time) == (3, 2)
    assert (i.activity_held, i.face_to_face_held) == (True, False)
    assert (i.ratings, i.rating_sum) == (5, 20)
    # 实现度 0.06; 活跃度 0.2×2/6 + 0.3×4/30 + 0.2×2/3 + 0.15 = 0.0667+0.04+0.1333+0.15 = 0.39;
    # 满意度 (4−1)/4 = 0.75; 综合 0.4×0.06 + 0.3×0.39 + 0.3×0.75 = 0.024+0.117+0.225 = 0.366
    m = r.measures
    assert round(m.realization, 4) == 0.06
    assert round(m.activeness, 4) == 0.39
    assert m.satisfaction == 0.75
    assert round(m.composite, 4) == 0.366


async def test_cadre_sees_own_measures_and_how_to_raise_them(app: App) -> None:
    await scenario()
    await converse(
        app, private(ZHANG, "/评估"),
        Contains("【评估·参考】团干部张三（杭州市委，#1）", "实现度 6%：已确认联系 6/100", "活跃度 39%", "满意度 75%：评分 5 份，平均 4.0 分",
                 "综合 37%（参考", "再有 94 名青年确认联系", "近一年没有面对面交流"),
    )
    await converse(app, private(ZHANG, "/评估 说明"), Contains("实现度 = min(1, 已确认联系人数 ÷ 目标)", "满意度样本不足时按前两项的权重比例折算"))
    await converse(app, private(WANG, "/评估"), Contains("实现度 20%：已确认联系 2/10", "满意度 样本不足"))


async def test_admin_views_and_subtree_rule(app: App) -> None:
    await scenario()
    await converse(app, private(HANGZHOU_ADMIN, "/评估 1"), Contains("团干部张三（杭州市委，#1）", "需要留意：", "近 180 天没有任何互动"))
    await converse(app, private(NINGBO_ADMIN, "/评估 1"), Contains("你不是“杭州市委”或其上级组织的管理员"))
    await converse(app, private(HANGZHOU_ADMIN, "/评估 宁波市委"), Contains("你不是“宁波市委”或其上级组织的管理员"))
    await converse(app, private(PROVINCE_ADMIN, "/评估 浙江省委"), Contains("【评估·参考】浙江省委（含下级组织，2 名团干部的平均）"))
    await converse(app, private(50001, "/评估 1"), Contains("只供组织管理员使用"))


async def test_ranking_and_export(app: App) -> None:
    await scenario()
    await converse(
        app, private(PROVINCE_ADMIN, "/排行 实现度"),
        Contains("【排行·参考】浙江省委（含下级组织）按实现度，团干部 2 人", "前 5 名：王五（宁波市委） 20%；张三（杭州市委） 6%", "下级组织：宁波市委 20%；杭州市委 6%"),
    )
    sent: dict = {}

    class File:
        def __eq__(self, other):
            sent["file"] = other
            return True

    await converse(
        app, private(PROVINCE_ADMIN, "/排行 导出"),
        Api("upload_private_file", {"user_id": PROVINCE_ADMIN, "file": File(), "name": Contains("排行_浙江省委_")}),
        Contains("已发送排行表", "团干部 2 人"),
    )
    assert sent["file"].startswith("base64://")  # never a path of the bot's machine
    book = load_workbook(io.BytesIO(base64.b64decode(sent["file"].removeprefix("base64://"))))
    rows = list(book["团干部"].iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "实名", "组织", "类别")
    assert [r[1] for r in rows[1:]] == ["共青团杭州市委张三", "共青团宁波市委王五"]  # by 综合
    assert rows[1][4] == 6.0  # 张三's 实现度 %
    assert [r[1] for r in book["组织"].iter_rows(values_only=True)][1:] == ["杭州市委", "宁波市委"]


async def test_confirm_freezes_a_snapshot(app: App) -> None:
    _, zhang, _ = await scenario()
    await converse(app, private(HANGZHOU_ADMIN, "/评估 确认 2026Q4"), Contains("已确认“杭州市委”2026Q4 的评估结果（1 名团干部），已冻结为快照"))
    await converse(app, private(HANGZHOU_ADMIN, "/评估 确认 2026Q4"), Contains("已于", "确认，不能重复确认"))
    await converse(app, private(HANGZHOU_ADMIN, "/评估 确认 第四季度"), Contains("周期写作 2026Q4"))
    frozen = await EvaluationResult.get(cadre_id=zhang.id)
    assert frozen.realization is not None and round(frozen.realization, 4) == 0.06
    await link(zhang, *range(50010, 50050))  # later data: 46 contacts
    assert round((await _evaluated(zhang.id)).measures.realization, 2) == 0.46
    await converse(app, private(ZHANG, "/评估"), Contains("实现度 46%", "已确认的 2026Q4：实现度 6%"))
    frozen = await EvaluationResult.get(cadre_id=zhang.id)
    assert frozen.realization is not None and round(frozen.realization, 4) == 0.06


async def test_spot_check_round_trip(app: App) -> None:
    tree, _zhang, _wang = await scenario()
    await converse(app, private(NINGBO_ADMIN, "/抽查 1"), Contains("你不是“杭州市委”或其上级组织的管理员，不能抽查"))
    lonely = await make_cadre(20009, "赵九", tree.xihu)
    await converse(app, private(HANGZHOU_ADMIN, f"/抽查 {lonely.id}"), Contains("还没有已确认联系的青年，无法抽查"))
    await converse(
        app, private(HANGZHOU_ADMIN, "/抽查 1 3"),
        Contains("抽查 #1：已安排私信询问团干部张三（杭州市委）的 3 名联系青年"),
        then_deliver=False,
    )
    asked = await _asked()
    await deliver(app, *[Notice(qq, Contains("团干部张三（杭州市委）和你有联系吗", "回复“是”或“否”")) for qq in asked])
    await converse(app, private(asked[0], "是"), Contains("谢谢，记下了你的回答"))
    await converse(app, private(asked[1], "否。"), Contains("谢谢，记下了你的回答"))
    await converse(app, private(asked[2], "也许吧"), Contains("请直接回复“是”或“否”"))
    # Answered: no longer waited on, so it is an ordinary message (one short answer).
    await converse(app, private(asked[0], "是"), Contains("没看懂这句话"))
    await converse(app, private(HANGZHOU_ADMIN, "/抽查 结果 1"), Contains("#1（2026Q4）问了 3 人，已回答 2，回答“是” 1，确认率 50%"))
    # Asked once per cadre per quarter: the other three are left.
    await converse(app, private(HANGZHOU_ADMIN, "/抽查 1 10"), Contains("3 名联系青年"), then_deliver=False)
    clock.set_now(clock.now() + timedelta(days=1))  # one unsolicited message per youth per day
    await deliver(app, *[Notice(qq, Contains("和你有联系吗")) for qq in await _asked(second=True)])
    await converse(app, private(HANGZHOU_ADMIN, "/抽查 1"), Contains("本季度已向团干部张三（杭州市委）的全部联系青年问过"))


async def _asked(second: bool = False) -> list[int]:
    return await _youths_asked(SpotCheckQuestion.filter(check_id=2 if second else 1))


async def _youths_asked(questions: QuerySet[Any]) -> list[int]:
    """The QQ numbers asked, in order (Tortoise's stubs type a flat values_list as a tuple)."""
    return cast(list[int], await questions.order_by("id").values_list("youth_qq", flat=True))


async def _evaluated(cadre_id: int) -> CadreResult:
    result = await evaluate_cadre(cadre_id)
    assert result is not None, f"cadre {cadre_id} was not evaluated"
    return result


async def test_survey_round_trip_and_only_aggregates(app: App) -> None:
    _tree, _zhang, _ = await scenario()
    await converse(app, private(HANGZHOU_ADMIN, "/满意度调查 宁波市委"), Contains("你不是“宁波市委”或其上级组织的管理员"))
    await converse(app, private(HANGZHOU_ADMIN, "/满意度调查 杭州市委 3"), Contains("已安排请 1 名团干部的 3 名联系青年打分", "14 天内有效"), then_deliver=False)
    asked = await _youths_asked(SurveyQuestion.all())
    await deliver(app, *[Notice(qq, Contains("请给团干部张三（杭州市委）打个分")) for qq in asked])
    await converse(app, private(HANGZHOU_ADMIN, "/满意度调查"), Contains("已有满意度调查在进行中"))
    await converse(app, private(asked[0], "5"), Contains("谢谢你的评分"))
    await converse(app, private(asked[1], "非常满意"), Contains("请直接回复 1 到 5 之间的一个数字"))
    await converse(app, private(asked[1], "9"), Contains("请直接回复 1 到 5 之间的一个数字"))
    await converse(app, private(asked[1], "2"), Contains("谢谢你的评分"))
    ratings = sorted(await SurveyQuestion.filter(rating__isnull=False).values_list("rating", flat=True))
    assert ratings == [2, 5]
    # 张三 sees the mean only: 5 case ratings + 2 survey answers = 7 ratings, sum 27.
    await converse(app, private(ZHANG, "/评估"), Contains("满意度 71%：评分 7 份，平均 3.9 分"))
    clock.set_now(clock.now() + timedelta(days=15))
    # Closed: the bot no longer waits for an answer.
    await converse(app, private(asked[2], "4"), Contains("没看懂这句话"))
    await answers.record(asked[2], "4")
    assert await SurveyQuestion.filter(rating__isnull=False).count() == 2


async def test_leave_all_keeps_answers_without_identity(app: App) -> None:
    await scenario()
    await converse(app, private(HANGZHOU_ADMIN, "/抽查 1 6"), Contains("6 名联系青年"), then_deliver=False)
    asked = await _youths_asked(SpotCheckQuestion.all())
    await deliver(app, *[Notice(qq, Contains("和你有联系吗")) for qq in asked])
    await converse(app, private(50001, "是"), Contains("谢谢"))
    await converse(app, private(50001, "/退出 全部"), Contains("要删除的是"))
    await converse(app, private(50001, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    assert not await SpotCheckQuestion.filter(youth_qq=50001).exists()
    assert await SpotCheckQuestion.filter(youth_qq__isnull=True, answer="yes").count() == 1

