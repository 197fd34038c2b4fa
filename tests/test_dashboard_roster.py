"""Roster import in the dashboard: every bad row shown with its reason before anything is written."""

import io
import re

from openpyxl import Workbook, load_workbook

from models import Cadre, Organisation
from tests.narrow import active_sheet, found
from tests.seed import seed_tree
from tests.test_dashboard_support import (
    PROVINCE_ADMIN,
    XIHU_ADMIN,
    client,
    sign_in,
    web_fixture,  # noqa: F401
)

GOOD_AND_BAD = "姓名,组织,类别,QQ\n孙七,杭州市西湖区委,专职,20005\n周八,杭州市西湖区委,专职,not-a-qq\n吴九,宁波市委,兼职,20006\n"
_KEY = re.compile(r'name="key" value="([^"]+)"')


def _csv(text: str) -> tuple[str, bytes, str]:
    return ("名册.csv", text.encode("utf-8"), "text/csv")


async def test_preview_shows_bad_rows_and_writes_nothing_then_import(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    assert "上传并检查" in (await web.get("/dashboard/roster")).text
    preview = await web.post("/dashboard/roster/preview", data={"csrf": csrf},
                             files={"files": _csv(GOOD_AND_BAD)})
    assert preview.status_code == 200, preview.text
    assert "QQ“not-a-qq”不是有效的 QQ 号" in preview.text
    assert "你无权导入“宁波市委”的团干部" in preview.text  # another city, outside the subtree
    assert re.search(r'id="error-count">2<', preview.text)
    assert "孙七" in preview.text
    assert await Cadre.all().count() == 0  # nothing written yet

    key = found(_KEY, preview.text)
    checked = await web.get(f"/dashboard/roster/{key}/errors.xlsx")
    book = load_workbook(io.BytesIO(checked.content))
    assert [row[1] for row in book["有误的行"].iter_rows(min_row=2, values_only=True)] == [3, 4]

    done = await web.post("/dashboard/roster/import", data={"csrf": csrf, "key": key})
    assert done.status_code == 200 and "名册已导入" in done.text
    assert re.search(r'id="cadres-created">1<', done.text)
    assert [c.name for c in await Cadre.all()] == ["孙七"]
    again = await web.post("/dashboard/roster/import", data={"csrf": csrf, "key": key})
    assert again.status_code == 400 and "重新上传" in again.text  # one confirmation per upload


async def test_an_upload_belongs_to_its_session(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    preview = await web.post("/dashboard/roster/preview", data={"csrf": csrf},
                             files={"files": _csv(GOOD_AND_BAD)})
    key = found(_KEY, preview.text)
    async with client() as other:
        other_csrf = await sign_in(other, PROVINCE_ADMIN)
        stolen = await other.post("/dashboard/roster/import", data={"csrf": other_csrf, "key": key})
        assert stolen.status_code == 400
        assert (await other.get(f"/dashboard/roster/{key}/errors.xlsx")).status_code == 404
    assert await Cadre.all().count() == 0


async def test_xlsx_with_orgs_and_cadres(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, PROVINCE_ADMIN)
    book = Workbook()
    orgs = active_sheet(book)
    orgs.title = "组织"
    orgs.append(["组织名称", "上级组织", "层级", "管理员QQ"])
    orgs.append(["杭州市上城区委", "杭州市委", "县", "30009"])
    orgs.append(["坏组织", "不存在的市委", "县", ""])
    cadres = book.create_sheet("团干部")
    cadres.append(["姓名", "组织", "类别", "QQ"])
    cadres.append(["郑十", "杭州市上城区委", "挂职", "20010"])
    data = io.BytesIO()
    book.save(data)
    upload = ("roster.xlsx", data.getvalue(), "application/octet-stream")
    preview = await web.post("/dashboard/roster/preview", data={"csrf": csrf}, files={"files": upload})
    assert "上级组织“不存在的市委”不存在" in preview.text
    key = found(_KEY, preview.text)
    done = await web.post("/dashboard/roster/import", data={"csrf": csrf, "key": key})
    assert done.status_code == 200
    assert await Organisation.filter(name="杭州市上城区委").exists()
    assert not await Organisation.filter(name="坏组织").exists()
    assert (await Cadre.get(qq=20010)).name == "郑十"


async def test_unreadable_or_missing_files(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    wrong = await web.post("/dashboard/roster/preview", data={"csrf": csrf},
                           files={"files": ("名册.txt", b"hello", "text/plain")})
    assert wrong.status_code == 400 and "只支持 .xlsx 或 .csv 文件" in wrong.text
    headless = await web.post("/dashboard/roster/preview", data={"csrf": csrf},
                              files={"files": _csv("a,b\n1,2\n")})
    assert headless.status_code == 400 and "没有找到表头" in headless.text
    nothing = await web.post("/dashboard/roster/preview", data={"csrf": csrf})
    assert nothing.status_code == 400 and "请选择要上传" in nothing.text


async def test_a_district_admin_cannot_take_over_another_citys_cadre_through_the_roster(web) -> None:
    from models import Application
    from plugins.core import clock
    from tests.seed import make_cadre
    from tests.test_dashboard_support import NINGBO_ADMIN

    tree = await seed_tree()
    ningbo_cadre = await make_cadre(20020, "钱多多", tree.ningbo)
    await Application.create(qq=20021, open_for=20021, name="李申请", org=tree.ningbo,
                             category="full_time", created_at=clock.now())
    csrf = await sign_in(web, XIHU_ADMIN)
    hostile = ("姓名,组织,类别,QQ\n钱多多,杭州市西湖区委,专职,20020\n李申请,杭州市西湖区委,专职,20021\n"
               "孙七,杭州市西湖区委,专职,20005\n")
    preview = await web.post("/dashboard/roster/preview", data={"csrf": csrf}, files={"files": _csv(hostile)})
    assert "该 QQ 号是宁波市委的团干部，不在你管辖的范围内" in preview.text
    assert "该 QQ 号有待“宁波市委”审核的团干部注册申请，不在你管辖的范围内" in preview.text
    assert re.search(r'id="error-count">2<', preview.text)
    key = found(_KEY, preview.text)
    done = await web.post("/dashboard/roster/import", data={"csrf": csrf, "key": key})
    assert done.status_code == 200 and re.search(r'id="cadres-created">1<', done.text)

    # The Ningbo cadre is where they were, and still visible to Ningbo's administrator only.
    cadre = await Cadre.get(id=ningbo_cadre.id).prefetch_related("org")
    assert (cadre.org.name, cadre.name) == ("宁波市委", "钱多多")
    assert await Application.filter(qq=20021, open_for=20021, org=tree.ningbo, status="pending").exists()
    assert (await web.get(f"/dashboard/cadres/{cadre.id}")).status_code == 404
    async with client() as ningbo:
        await sign_in(ningbo, NINGBO_ADMIN)
        assert "钱多多" in (await ningbo.get(f"/dashboard/cadres/{cadre.id}")).text


async def test_a_district_admin_cannot_move_another_city_under_their_district(web) -> None:
    tree = await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    move = "组织名称,上级组织,层级\n宁波市委,杭州市西湖区委,基层\n"
    preview = await web.post("/dashboard/roster/preview", data={"csrf": csrf}, files={"files": _csv(move)})
    assert "你无权修改组织“宁波市委”" in preview.text
    assert _KEY.search(preview.text) is None  # nothing left that could be imported
    ningbo = await Organisation.get(id=tree.ningbo.id)
    assert (ningbo.parent_id, ningbo.path, ningbo.level) == (tree.province.id, tree.ningbo.path, "city")


async def test_the_cli_and_superusers_may_move_a_cadre_between_cities() -> None:
    from plugins.identity.roster import apply_roster, plan_roster, read_roster
    from tests.seed import make_cadre

    tree = await seed_tree()
    await make_cadre(20020, "钱多多", tree.ningbo)
    sheets = read_roster("名册.csv", "姓名,组织,类别,QQ\n钱多多,杭州市西湖区委,专职,20020\n".encode())
    report = await apply_roster(await plan_roster(sheets))  # SYSTEM, as the CLI
    assert not report.errors and report.updated["cadres"] == 1
    assert (await Cadre.get(qq=20020)).org_id == tree.xihu.id
