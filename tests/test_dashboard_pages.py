"""Dashboard pages: figures, filters, escaping of hostile text, downloads that open in openpyxl."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from tortoise.expressions import Q

from models import Activity, Case, Exchange, Referral, Topic
from models.enums import OrgLevel
from plugins.core import clock
from plugins.dashboard.figures import month_starts
from plugins.identity.orgs import insert_org
from tests.seed import make_cadre
from tests.test_dashboard_support import (
    HOSTILE,
    NINGBO_CADRE,
    PROVINCE_ADMIN,
    XIHU_CADRE,
    sign_in,
    web_fixture,  # noqa: F401
    world,
)

HOSTILE_ORG = "西湖\"'><img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _rows(html: str) -> list[str]:
    """Text of the data rows of the last table on the page."""
    body = html.rsplit("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return [_text(r) for r in body.split("</tr>") if "<td" in r]


async def test_overview_figures_and_monthly_trends(web) -> None:
    _, cadres = await world()
    last_month = clock.now() - timedelta(days=35)
    await Exchange.create(cadre=cadres[XIHU_CADRE], group_id=1, youth_qq=1, youth_message_id=99,
                          latency_seconds=5, kind="reply", answered_at=last_month)
    await sign_in(web, PROVINCE_ADMIN)
    page = await web.get("/dashboard/")
    assert page.status_code == 200
    text = _text(page.text)
    assert "3 团干部" in text and "0 联系人数达标" in text and "12 已确认联系（人次）" in text
    assert "杭州市委 2 0 2 8 0 2 2 2 0" in text  # 杭州市委 with 西湖区委 below it
    assert "宁波市委 1 0 1 4 0 1 1 1 0" in text
    months = [d.strftime("%Y-%m") for d in month_starts()]
    assert months[-1] == "2026-11" and months[0] == "2025-12"
    assert "2026-10 6 1 0 0" in text  # snapshots 1+2+3, the exchange of last month
    assert "2026-11 12 3 3 3" in text


async def test_cadre_list_filters_search_and_sort(web) -> None:
    tree, cadres = await world()
    await make_cadre(20009, "赵六", tree.ningbo, "seconded")
    csrf = await sign_in(web, PROVINCE_ADMIN)

    async def names(url: str) -> list[str]:
        answer = await web.get(url)
        assert answer.status_code == 200, url
        return [r.split()[1] for r in _rows(answer.text)]

    assert await names("/dashboard/cadres") == ["李四", "张三", "王五", "赵六"]
    assert await names("/dashboard/cadres?category=part_time") == ["张三"]
    assert await names("/dashboard/cadres?no_activity=1") == ["赵六"]
    assert await names("/dashboard/cadres?overdue=1") == ["李四", "张三", "王五"]
    assert await names(f"/dashboard/cadres?org={cadres[NINGBO_CADRE].org_id}") == ["王五", "赵六"]
    assert await names("/dashboard/cadres?sort=confirmed&desc=1") == ["李四", "王五", "张三", "赵六"]
    assert await names("/dashboard/cadres?q=王五") == ["李四", "张三", "王五", "赵六"]  # never from a URL
    found = await web.post("/dashboard/cadres", data={"csrf": csrf, "q": "王", "below": "1"})
    assert [r.split()[1] for r in _rows(found.text)] == ["王五"]
    by_qq = await web.post("/dashboard/cadres", data={"csrf": csrf, "q": "20001"})
    assert [r.split()[1] for r in _rows(by_qq.text)] == ["张三"]


async def test_problem_list_filters(web) -> None:
    await world()
    await Case.filter(id=2).update(escalated_at=clock.now(), escalation_note="需要上级协调")
    await Case.filter(id=3).update(status="closed", closed_at=clock.now(), category="suggestion")
    await sign_in(web, PROVINCE_ADMIN)

    async def ids(query: str) -> list[str]:
        answer = await web.get(f"/dashboard/problems?{query}")
        assert answer.status_code == 200, query
        cases = answer.text.split("<h2>诉求</h2>", 1)[1]
        return [r.split()[0] for r in _rows(cases)] if "<tbody>" in cases else []

    assert await ids("period=all") == ["3", "2", "1"]
    assert await ids("period=quarter&category=suggestion") == ["3"]
    assert await ids("status=overdue") == ["2", "1"]
    assert await ids("status=pending") == ["2", "1"]
    assert await ids("status=closed") == ["3"]
    assert await ids("escalated=yes") == ["2"]
    assert await ids("escalated=no") == ["3", "1"]
    assert await ids("period=last_month") == []
    assert await ids("period=bogus") == ["3", "2", "1"]  # unknown: this quarter
    await Case.filter(id=1).update(urgent=True)
    assert await ids("period=all") == ["1", "3", "2"]  # urgent ones first, then the newest
    case = await web.get("/dashboard/problems/2")
    assert "需要上级协调" in case.text and "超时未答复" in case.text
    assert "匿名（青年未同意显示身份）" in case.text and "50010" not in case.text


async def test_hostile_names_are_escaped_everywhere(web) -> None:
    tree, _ = await world()
    org = await insert_org(HOSTILE_ORG, OrgLevel.county, tree.hangzhou)
    cadre = await make_cadre(20009, HOSTILE, org)
    now = clock.now()
    await Activity.create(cadre=cadre, kind="offline", title=HOSTILE, place=HOSTILE, day=clock.today(),
                          code="123456", created_at=now)
    await Topic.create(cadre=cadre, title=HOSTILE, created_at=now)
    await Case.create(youth_qq=1, category="confusion", content=HOSTILE + FORMULA, cadre=cadre, org=org,
                      status="open", created_at=now, escalation_note=HOSTILE, escalated_at=now)
    csrf = await sign_in(web, PROVINCE_ADMIN)
    urls = ["/dashboard/", f"/dashboard/orgs/{org.id}", "/dashboard/cadres", f"/dashboard/cadres/{cadre.id}",
            "/dashboard/problems?period=all", "/dashboard/problems/4"]
    pages = [(url, (await web.get(url)).text) for url in urls]
    pages.append(("search", (await web.post("/dashboard/cadres", data={"csrf": csrf, "q": HOSTILE})).text))
    for url, html in pages:
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x" in html, url
    detail = dict(pages)[f"/dashboard/cadres/{cadre.id}"]
    assert "共青团西湖&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in detail


def _book(answer):
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer.headers["content-disposition"]
    return load_workbook(io.BytesIO(answer.content))


async def test_every_table_downloads_as_xlsx(web) -> None:
    tree, cadres = await world()
    await Case.filter(id=1).update(content=FORMULA)
    csrf = await sign_in(web, PROVINCE_ADMIN)

    overview = _book(await web.get("/dashboard/export.xlsx"))
    assert overview.sheetnames == ["下级组织", "未达标团干部", "月度趋势", "青年领域分布"]
    assert [c.value for c in overview["下级组织"][1]][:3] == ["组织", "团干部", "达标"]
    assert _book(await web.get(f"/dashboard/orgs/{tree.hangzhou.id}/export.xlsx"))["未达标团干部"].max_row == 3

    listed = _book(await web.get("/dashboard/cadres/export.xlsx?category=part_time"))["团干部"]
    assert [[c.value for c in row][1] for row in listed.iter_rows(min_row=2)] == ["张三"]
    searched = _book(await web.post("/dashboard/cadres/export.xlsx", data={"csrf": csrf, "q": "王五"}))
    assert searched["团干部"].max_row == 2

    detail = _book(await web.get(f"/dashboard/cadres/{cadres[XIHU_CADRE].id}/export.xlsx"))
    assert detail.sheetnames == ["联系人数趋势", "领域分布", "活动", "话题", "诉求", "考核指标", "待联系（90 天以上没有双向联系）"]
    assert detail["活动"]["D2"].value == "活动0"

    problems = _book(await web.get("/dashboard/problems/export.xlsx?period=all"))
    assert problems.sheetnames[1] == "诉求"
    formula_cell = next(row for row in problems["诉求"].iter_rows(min_row=2) if row[0].value == 1)[9]
    assert formula_cell.data_type == "s" and isinstance(formula_cell.value, str)
    assert formula_cell.value.startswith("=HYPERLINK")

    case = _book(await web.get("/dashboard/problems/1/export.xlsx"))
    content = next(row for row in case["诉求"].iter_rows(min_row=2) if row[0].value == "内容")[1]
    assert content.value == FORMULA and content.data_type == "s"


async def test_measures_come_from_the_evaluation(web) -> None:
    """实现度 = min(1, confirmed ÷ target): 张三 (part-time, target 10) has 3 → 30%."""
    tree, cadres = await world()
    await sign_in(web, PROVINCE_ADMIN)
    detail = _text((await web.get(f"/dashboard/cadres/{cadres[XIHU_CADRE].id}")).text)
    assert "实现度 30%" in detail and "已确认联系 / 目标 3 / 10" in detail
    assert "满意度 —" in detail  # fewer than 5 ratings: 样本不足
    listed = _text((await web.get("/dashboard/cadres?category=part_time")).text)
    assert "30%" in listed
    overview = _text((await web.get(f"/dashboard/orgs/{tree.hangzhou.id}")).text)
    assert "杭州市西湖区委 1 0 1 3 0 1 1 1 0 30%" in overview
    book = _book(await web.get("/dashboard/cadres/export.xlsx?category=part_time"))
    assert book["团干部"]["N2"].value == 0.3


async def test_problem_list_download_holds_every_case(web, monkeypatch) -> None:
    """More cases than a page, than a chunk of the download and than one worker writes: the download
    has all of them, urgent ones first, in the page's order, numbered without a gap."""
    from plugins.core import export_process
    from plugins.dashboard import problem_list
    from plugins.dashboard.config import settings
    from plugins.requests.config import settings as requests_settings

    _, cadres = await world()
    cadre = cadres[XIHU_CADRE]
    for i in range(30):
        await Case.create(youth_qq=90000 + i, category="difficulty", content=f"困难{i}", cadre=cadre,
                          org_id=cadre.org_id, status="open", created_at=clock.now() - timedelta(hours=i),
                          urgent=i in (2, 25))  # one urgent case in each half
    monkeypatch.setattr(export_process, "FETCH", 7)
    monkeypatch.setattr(problem_list, "SPLIT_ROWS", 10)
    referred = await Case.filter(content="困难3").first()
    assert referred is not None
    await Referral.create(case=referred, to="12355", actor_qq=1, created_at=clock.now(),
                          follow_up_at=clock.now() + timedelta(days=7))
    await Referral.create(case=referred, to="区教育局", actor_qq=1, created_at=clock.now(),
                          follow_up_at=clock.now() + timedelta(days=7), outcome="已整改")
    total = await Case.all().count()
    await sign_in(web, PROVINCE_ADMIN)
    with settings.override(dashboard_table_rows=10):
        page = await web.get("/dashboard/problems?period=all")
        assert len(_rows(page.text)) == 10
        assert f"共 {total} 条，页面显示前 10 条" in page.text
        narrowed = await web.get("/dashboard/problems?period=all&category=difficulty")
        assert f"共 {await Case.filter(category='difficulty').count()} 条" in narrowed.text
        book = _book(await web.get("/dashboard/problems/export.xlsx?period=all"))
    ids = [int(str(row[0].value)) for row in book["诉求"].iter_rows(min_row=2)]
    assert len(ids) == len(set(ids)) == total > 30
    assert [row[0].row for row in book["诉求"].iter_rows(min_row=2)] == list(range(2, total + 2))
    urgent = sorted((c.id for c in await Case.filter(urgent=True)), reverse=True)
    assert len(urgent) == 2 and ids == urgent + sorted(set(ids) - set(urgent), reverse=True)  # as on the page
    assert [int(cell) for cell in re.findall(r'<td><a href="/dashboard/problems/(\d+)"', page.text)] == ids[:10]
    assert book["诉求"].cell(2, 4).value == "紧急｜待答复"
    day = clock.to_local(clock.now()).strftime("%m-%d")
    follow = clock.to_local(clock.now() + timedelta(days=7)).strftime("%m-%d")
    row = next(row for row in book["诉求"].iter_rows(min_row=2, values_only=True) if row[0] == referred.id)
    assert row[1] == clock.to_local(referred.created_at).replace(tzinfo=None, microsecond=0)
    assert row[2:] == (
        "实际困难", "待答复", "否", row[5], row[6], "否", None, "困难3",
        f"12355（{day}），待结果（{follow} 跟进）；区教育局（{day}），结果：已整改",
    )
    assert str(row[5]).startswith("共青团")
    late = _book(await web.get("/dashboard/problems/export.xlsx?period=all&status=overdue"))
    overdue = Q(created_at__lte=clock.now() - timedelta(hours=48)) | Q(
        urgent=True, created_at__lte=clock.now() - timedelta(hours=requests_settings().requests_urgent_hours))
    assert late["诉求"].max_row - 1 == await Case.filter(overdue, status="open", first_answer_at=None).count()


async def test_the_overview_page_lists_the_largest_gaps_and_the_download_every_one(monkeypatch) -> None:
    from plugins.dashboard import overview

    tree, _ = await world()
    monkeypatch.setattr(overview, "PAGE_BELOW", 1)
    args = (tree.province, [tree.province], [tree.province.path])
    everyone = (await overview.tables(*args))[1]
    assert len(everyone.rows) >= 2
    page = (await overview.build(*args)).tables[1]
    assert page.rows == everyone.rows[:1] and page.links == everyone.links[:1]
    assert page.total == len(everyone.rows)  # the page says 共 N 条，页面显示前 1 条；下载可得全部


async def test_a_page_of_the_cadre_list_is_the_first_rows_of_the_whole_list() -> None:
    """A page measures only the cadres it shows (unless sorted by composite): same rows, same measures."""
    from plugins.dashboard import cadre_list
    from plugins.dashboard.cadre_list import CadreQuery

    tree, _ = await world()
    await make_cadre(20009, "赵六", tree.ningbo, "seconded")
    for sort in ("org", "name", "confirmed", "gap", "exchanges", "overdue", "composite"):
        for desc in (False, True):
            q = CadreQuery(sort=sort, desc=desc)
            whole = (await cadre_list.tables([tree.province.path], q))[0]
            page = await cadre_list.page([tree.province.path], q, 2)
            assert (page.rows, page.links, page.total) == (whole.rows[:2], whole.links[:2], len(whole.rows)), (sort, desc)
            assert any(cell is not None for row in page.rows for cell in row[-4:])  # measured
