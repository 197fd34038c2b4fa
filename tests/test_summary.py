"""The per-cadre summary table equals the direct computation, also after an erasure and a retirement."""

import random
from datetime import timedelta

from models import (
    Activity,
    Cadre,
    CadreSummary,
    Case,
    CheckIn,
    ContactLink,
    Exchange,
    Organisation,
    OrgMonthSummary,
    SpotCheck,
    SpotCheckQuestion,
    Survey,
    SurveyQuestion,
    Topic,
    TopicReply,
    Youth,
)
from plugins.contacts.links import erase_person
from plugins.contacts.stats import OrgOverview, cadre_contacts, direct_org_overview, subtree_youth
from plugins.core import clock
from plugins.evaluation import summary
from plugins.evaluation.config import settings
from plugins.evaluation.evaluate import evaluate
from plugins.evaluation.inputs import Scope
from tests.seed import make_cadre, seed_tree

EVERYONE = Scope("1=1", ())
CADRES = 8
YOUTH = 60


async def generated(seed: int = 7) -> list[Cadre]:
    """Random records for every input: contacts (pending and confirmed, some youth linked to
    many cadres, one youth who is also a cadre), topics, exchanges, activities and check-ins,
    cases with answers and ratings, spot checks and surveys, inside and outside each window."""
    rng = random.Random(seed)
    tree = await seed_tree()
    orgs = [tree.province, tree.hangzhou, tree.xihu, tree.ningbo]
    categories = ["full_time", "seconded", "organ_part_time", "part_time"]
    cadres = [
        await make_cadre(20001 + i, f"干部{i}", orgs[i % 4], categories[rng.randrange(4)]) for i in range(CADRES)
    ]
    now, today = clock.now(), clock.today()
    youth = [
        await Youth.create(qq=50001 + i, nickname=f"青年{i}", field=rng.choice([None, "student", "worker"]),
                           consented_at=now, created_at=now)
        for i in range(YOUTH)
    ]
    youth.append(await Youth.create(qq=cadres[0].qq, created_at=now, consented_at=now))  # a cadre: never counted
    for y in youth:
        for c in rng.sample(cadres, rng.choice([0, 1, 1, 2, 3, 4, 5, 6])):
            status = "confirmed" if rng.random() < 0.8 else "pending"
            await ContactLink.create(youth=y, cadre=c, status=status, source="private", created_at=now,
                                     confirmed_at=now if status == "confirmed" else None)
    for c in cadres:
        for i in range(rng.randrange(5)):
            topic = await Topic.create(cadre=c, title=f"话题{i}", created_at=now - timedelta(days=rng.randrange(200)))
            if rng.random() < 0.7:
                await TopicReply.create(topic=topic, group_id=1, qq=50001, message_id=rng.randrange(10**9),
                                        text="好", created_at=now, is_cadre=rng.random() < 0.2)
        for _ in range(rng.randrange(6)):
            await Exchange.create(cadre=c, group_id=1, youth_qq=50002, youth_message_id=rng.randrange(10**9),
                                  latency_seconds=60, kind="reply",
                                  answered_at=now - timedelta(days=rng.randrange(120)))
        for i in range(rng.randrange(5)):
            activity = await Activity.create(
                cadre=c, kind=rng.choice(["offline", "face_to_face", "online"]), title=f"活动{i}",
                day=today - timedelta(days=rng.randrange(400)), code=f"{rng.randrange(10**6):06d}",
                credited=rng.random() < 0.8, created_at=now,
            )
            for k in range(rng.randrange(3)):
                await CheckIn.create(activity=activity, qq=50010 + k, created_at=now)
        for _ in range(rng.randrange(6)):
            created = now - timedelta(days=rng.randrange(150), hours=rng.randrange(24))
            answered = created + timedelta(hours=rng.randrange(100)) if rng.random() < 0.7 else None
            rated = rng.random() < 0.5
            await Case.create(
                youth_qq=50003, category="difficulty", content="困难", cadre=c, org_id=c.org_id,
                status="closed" if rated else "open", first_answer_at=answered, created_at=created,
                paused_seconds=rng.choice([0, 0, 3600 * 20]), rating=rng.randint(1, 5) if rated else None,
                rated_at=now - timedelta(days=rng.randrange(400)) if rated else None,
            )
        check = await SpotCheck.create(cadre=c, requested_by=1, sample_size=5, quarter="2026Q4", created_at=now)
        for k in range(rng.randrange(6)):
            answer = rng.choice([None, "yes", "no"])
            await SpotCheckQuestion.create(check=check, cadre=c, youth_qq=50020 + k, quarter="2026Q4",
                                           answer=answer, asked_at=now,
                                           answered_at=now - timedelta(days=rng.randrange(400)) if answer else None)
    survey = await Survey.create(org=tree.province, requested_by=1, per_cadre=5, created_at=now, closes_at=now)
    for c in cadres:
        for k in range(rng.randrange(7)):
            rating = rng.choice([None, 1, 3, 5])
            await SurveyQuestion.create(survey=survey, cadre=c, youth_qq=50030 + k, rating=rating, asked_at=now,
                                        answered_at=now - timedelta(days=rng.randrange(400)) if rating else None)
    return cadres


def overview_figures(o: OrgOverview) -> tuple:
    return (o.cadres, o.at_target, [(c.id, n, t) for c, n, t in o.below], o.links, o.youth, o.overlap_youth,
            o.fields)


async def assert_summary_equals_direct() -> None:
    stored = await summary.values(EVERYONE)
    direct = await summary.direct_values(EVERYONE)
    assert set(stored) == set(direct) == set(await Cadre.all().values_list("id", flat=True))
    assert stored == direct
    # What the rankings and the dashboard compute from it: the same inputs and measures.
    live = {r.cadre.id: r for r in await evaluate(EVERYONE, live=True)}
    read = {r.cadre.id: r for r in await evaluate(EVERYONE)}
    assert {k: (vars(r.inputs), r.measures) for k, r in read.items()} == {
        k: (vars(r.inputs), r.measures) for k, r in live.items()
    }
    # The overview's youth figures of every organisation's subtree.
    for org in await Organisation.all():
        stored_youth, counted = await summary.subtree_youth(org.id), await subtree_youth([org.path])
        assert (stored_youth.youth, stored_youth.overlap_youth, stored_youth.fields) == (
            counted.youth, counted.overlap_youth, counted.fields), org.name
    # /联系概况 (and the weekly digest): every subtree, and everything, as counted now.
    for paths in [*([o.path] for o in await Organisation.all()), None]:
        stored_overview, counted_overview = await summary.org_overview(paths), await direct_org_overview(paths)
        assert stored_overview is not None and stored_overview.computed_at == await summary.computed_at()
        assert overview_figures(stored_overview) == overview_figures(counted_overview), paths
    # The overlap count is /评估's per-cadre definition.
    for cadre in await Cadre.all():
        contacts = await cadre_contacts(cadre, 10)
        assert stored[cadre.id]["overlap"] == contacts.overlap, cadre.id
        assert stored[cadre.id]["confirmed"] == contacts.confirmed, cadre.id


async def test_summary_equals_the_direct_computation_on_generated_data() -> None:
    cadres = await generated()
    await assert_summary_equals_direct()
    stored = await summary.values(EVERYONE)
    assert sum(v["confirmed"] for v in stored.values()) > 50  # the data exercise every column
    for column in summary.COLUMNS:
        assert any(v[column] for v in stored.values()), column
    assert await summary.computed_at() == clock.now()
    assert len(cadres) == await CadreSummary.all().count()


async def test_after_an_erasure_the_youth_no_longer_counts() -> None:
    await generated(seed=11)
    await summary.ensure_fresh()
    linked = list(await ContactLink.filter(status="confirmed", youth__qq__lt=60000).values_list("youth_id", flat=True))
    busiest = max(set(linked), key=linked.count)  # confirmed by the most cadres
    assert linked.count(busiest) >= 4
    qq = (await Youth.get(id=busiest)).qq
    before = await summary.values(EVERYONE)
    assert await erase_person(qq, "test")
    await assert_summary_equals_direct()
    after = await summary.values(EVERYONE)
    assert sum(v["confirmed"] for v in after.values()) < sum(v["confirmed"] for v in before.values())


async def test_after_a_retirement_the_others_overlap_is_recounted() -> None:
    cadres = await generated(seed=5)
    await summary.ensure_fresh()
    gone = max(cadres, key=lambda c: c.id % 3)
    await gone.delete()
    await assert_summary_equals_direct()
    assert not await CadreSummary.filter(cadre_id=gone.id).exists()


async def test_rows_are_kept_until_too_old_and_pages_say_when_they_were_computed() -> None:
    cadres = await generated(seed=3)
    with settings.override(evaluation_summary_max_age_minutes=60):
        await summary.ensure_fresh()
        computed = clock.now()
        youth = await Youth.create(qq=59999, created_at=clock.now(), consented_at=clock.now())
        await ContactLink.create(youth=youth, cadre=cadres[1], status="confirmed", source="private",
                                 created_at=clock.now(), confirmed_at=clock.now())
        clock.set_now(computed + timedelta(minutes=59))
        stale = await summary.values(EVERYONE)
        assert stale != await summary.direct_values(EVERYONE)  # not recounted yet
        assert summary.updated_label(await summary.computed_at()) == f"数据更新于 {clock.fmt_local(computed, '%H:%M')}"
        clock.set_now(computed + timedelta(minutes=60))
        await assert_summary_equals_direct()
        assert await summary.computed_at() == clock.now()


async def test_the_scheduler_recounts_before_the_rows_are_too_old_so_no_reader_waits() -> None:
    await generated(seed=3)
    with settings.override(evaluation_summary_max_age_minutes=60):
        await summary.ensure_fresh()
        computed = clock.now()
        clock.set_now(computed + timedelta(minutes=49))
        await summary.refresh_ahead()
        assert await summary.computed_at() == computed  # nothing to do yet
        clock.set_now(computed + timedelta(minutes=51))
        await summary.ensure_fresh()
        assert await summary.computed_at() == computed  # a reader still takes these rows
        await summary.refresh_ahead()
        assert await summary.computed_at() == clock.now()  # the scheduler's check recounted
        clock.set_now(computed)  # the clock set back (a wrong clock corrected): rows "from later" recount
        await summary.ensure_fresh()
        assert await summary.computed_at() == computed


async def test_the_daily_recount_waits_for_one_under_way_instead_of_counting_beside_it(monkeypatch) -> None:
    import asyncio

    await generated(seed=5)
    counts: list[str] = []
    original = summary._count
    counting, go_on = asyncio.Event(), asyncio.Event()

    async def paused() -> tuple[list, list, list]:
        counts.append("count")
        counting.set()
        await go_on.wait()
        return await original()

    monkeypatch.setattr(summary, "_count", paused)
    reader = asyncio.create_task(summary.ensure_fresh())  # no rows yet: a page recounts
    await asyncio.wait_for(counting.wait(), 10)
    daily = asyncio.create_task(summary.recount())
    await asyncio.sleep(0)
    go_on.set()
    await asyncio.wait_for(asyncio.gather(reader, daily), 30)
    assert counts == ["count"]  # the daily run took the rows the page's recount wrote
    clock.set_now(clock.now() + timedelta(days=1))
    await summary.recount()  # the next day: counted again
    assert counts == ["count", "count"]
    assert await summary.computed_at() == clock.now()
    await assert_summary_equals_direct()


async def test_while_the_summary_is_recounted_chat_still_reads_and_writes_and_an_erasure_is_not_undone(
    monkeypatch,
) -> None:
    """The recount reads on its own connection (on SQLite the bot's only one was held for 27.9 s at
    province scale); rows counted before an erasure are counted again, not written after it."""
    import asyncio

    from plugins.core import export_process

    await generated(seed=11)
    await summary.ensure_fresh()
    linked = list(await ContactLink.filter(status="confirmed", youth__qq__lt=60000).values_list("youth_id", flat=True))
    qq = (await Youth.get(id=max(set(linked), key=linked.count))).qq
    counting, go_on = asyncio.Event(), asyncio.Event()
    counts = []
    original = export_process.Database.all

    async def paused(self, query: str, *params):
        rows = await original(self, query, *params)
        if query.startswith("SELECT c.id,"):  # the per-cadre counting
            counts.append(len(rows))
            counting.set()
            await go_on.wait()
        return rows

    monkeypatch.setattr(export_process.Database, "all", paused)
    recount = asyncio.create_task(summary.refresh())
    await asyncio.wait_for(counting.wait(), 10)
    await asyncio.wait_for(Cadre.filter(id=1).update(name=(await Cadre.get(id=1)).name), 2)
    assert await asyncio.wait_for(erase_person(qq, "test"), 5)  # drops the rows; the recount reads again
    go_on.set()
    await asyncio.wait_for(recount, 30)
    assert len(counts) == 2
    await assert_summary_equals_direct()


async def test_the_overview_counts_youth_in_one_pass_as_the_contacts_overview_does() -> None:
    from plugins.contacts.stats import org_overview

    await generated(seed=13)
    for paths in (None, ["1/"], ["1/2/"], ["1/4/", "1/3/"]):
        one_pass, full = await subtree_youth(paths), await org_overview(paths)
        assert (one_pass.youth, one_pass.overlap_youth, one_pass.fields) == (full.youth, full.overlap_youth, full.fields)
    assert (await subtree_youth(None)).overlap_youth > 0
    assert (await summary.subtree_youth(1)).overlap_youth > 0


async def test_a_cadre_leaving_office_is_recounted_at_once() -> None:
    """Retirement ends the cadre's links: the summary does not wait an hour to show it."""
    from plugins.contacts.retire import retire

    cadres = await generated(seed=7)
    await summary.ensure_fresh()
    leaving = max(cadres, key=lambda c: c.id % 5)
    await retire(None, leaving)
    await summary.ensure_fresh()
    await assert_summary_equals_direct()


async def test_the_overviews_monthly_trends_from_the_summary_equal_counting_them_now() -> None:
    """Past months from org_month_summary equal counting them now, for every organisation's subtree,
    and again once an erasure dropped the rows (an activity recorded meanwhile for last month is
    in); rows computed in an earlier month are not used."""
    from plugins.dashboard.figures import trends

    cadres = await generated(seed=17)

    async def assert_equal() -> None:
        await summary.ensure_fresh()
        keys = (await trends(["1/"])).months[:-1]
        for org in await Organisation.all():
            assert await summary.org_months(org.id, keys) is not None, org.name  # read from the table
            stored, counted = await trends([org.path], org.id), await trends([org.path])
            assert vars(stored) == vars(counted), org.name

    await assert_equal()
    province = await trends(["1/"], 1)
    assert sum(province.exchanges[:-1]) and sum(province.activities[:-1]) and sum(province.requests[:-1])
    await Activity.create(cadre=cadres[0], kind="offline", title="补录", day=clock.today() - timedelta(days=40),
                          code="000001", credited=True, created_at=clock.now())
    assert await erase_person(50001, "test")
    await assert_equal()
    assert sum((await trends(["1/"], 1)).activities) == sum(province.activities) + 1
    await OrgMonthSummary.all().delete()  # as right after the migration that creates the table
    await assert_equal()
    assert await OrgMonthSummary.filter(org_id=1).exists()  # the next read refreshed
    assert await summary.org_months(1, ["2026-10"]) is not None
    clock.set_now(clock.now() + timedelta(days=31))  # next month, before the summary is refreshed
    with settings.override(evaluation_summary_max_age_minutes=60 * 24 * 60):
        assert await summary.org_months(1, ["2026-10"]) is None


async def test_measures_counted_in_sql_equal_the_formulas_for_every_cadre_organisation_and_ranking() -> None:
    """measures_sql.py computes the four measures and the target in the database (organisations'
    means, rankings, the overview): the same numbers as formulas.py for every cadre, including
    part-time cadres under raised targets, cadres who left this quarter and too few ratings."""
    cadres = await generated(seed=3)
    hangzhou, xihu = cadres[1].org, cadres[2].org
    await Organisation.filter(id=hangzhou.id).update(part_time_target=30)
    await Organisation.filter(id=xihu.id).update(part_time_target=15)
    await Cadre.filter(id__in=[cadres[i].id for i in (1, 2, 5, 6, 7)]).update(category="part_time")
    await Cadre.filter(id=cadres[3].id).update(left_at=clock.now() - timedelta(hours=1))  # still evaluated
    with settings.override(evaluation_satisfaction_min=2):  # some cadres rated enough, some not
        await _assert_sql_measures_equal_formulas()


async def _assert_sql_measures_equal_formulas() -> None:
    from plugins.core.sql import fetch
    from plugins.dashboard import overview
    from plugins.dashboard.figures import cadre_figures
    from plugins.evaluation import measures_sql
    from plugins.evaluation.evaluate import aggregate, sort_key
    from plugins.evaluation.inputs import evaluated

    c = settings()
    live = await evaluate(EVERYONE, live=True)
    assert {r.inputs.target for r in live} >= {100, 30, 15}
    assert any(r.measures.satisfaction is None for r in live) and any(r.measures.satisfaction for r in live)

    def close(a: float | None, b: float | None) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-12)

    where, params = evaluated(EVERYONE)
    query, query_params = await measures_sql.per_cadre(c, where, params)
    rows = {r["id"]: r for r in await fetch(f"SELECT * FROM ({query}) m", *query_params)}
    assert set(rows) == {r.cadre.id for r in live}
    names = measures_sql.MEASURE_NAMES
    for r in live:
        row = rows[r.cadre.id]
        assert row["target"] == r.inputs.target, r.cadre.id
        for name in names:
            assert close(row[name], getattr(r.measures, name)), (r.cadre.id, name)
    # Every organisation's mean, and the head and tail of every ranking.
    for org in await Organisation.all():
        mine = [r for r in live if r.cadre.path.startswith(org.path)]
        want = aggregate(org, mine)
        got = (await measures_sql.means_by_group(c, EVERYONE, [org])).get(org.id) or measures_sql.Means()
        assert got.cadres == want.cadres, org.name
        for name in names:
            assert close(getattr(got, name), getattr(want, name)), (org.name, name)
        scope = Scope.subtree([org.path])
        for name in names:
            ranked = sorted(mine, key=lambda r: -sort_key(getattr(r.measures, name)))
            ends = await measures_sql.extremes(c, scope, name, 3)
            assert ends.cadres == len(mine)
            assert [p.id for p in ends.top] == [r.cadre.id for r in ranked[:3]], (org.name, name)
            assert [p.id for p in ends.bottom] == [r.cadre.id for r in ranked[-3:][::-1]], (org.name, name)
    # The province's overview: counts by sub-organisation as the per-cadre figures add up, means
    # as evaluate.aggregate takes them, cadres below target largest gap first.
    province = await Organisation.get(parent_id=None)
    seen = await overview.full(province, [province], [province.path])
    figures = await cadre_figures([province.path])
    for row in seen.rows:
        own = row.label.startswith(overview.OWN_LEVEL)
        org = province if own else await Organisation.get(id=row.org_id)
        counted = [f for f in figures if (f.path == org.path if own else f.path.startswith(org.path))]
        assert (row.cadres, row.at_target, row.confirmed, row.no_activity, row.no_face_to_face) == (
            len(counted), sum(not f.below for f in counted), sum(f.confirmed for f in counted),
            sum(f.quarter_activities == 0 for f in counted), sum(f.face_to_face == 0 for f in counted)), row.label
        evaluated_here = [r for r in live if (r.cadre.path == org.path if own else r.cadre.path.startswith(org.path))]
        want = aggregate(org, evaluated_here)
        assert row.measures is not None and close(row.measures.composite, want.composite), row.label
    assert [(b.id, b.target) for b in seen.below] == [
        (f.id, f.target) for f in sorted((f for f in figures if f.below), key=lambda f: (-f.gap, f.path, f.id))]
