"""Roster import: checking rows, importing the good ones, idempotent re-import."""

import io
import os
import subprocess
import sys

from openpyxl import Workbook

from models import Admin, Application, Cadre, Organisation
from plugins.core.actor import load_actor
from plugins.identity.registration import register
from plugins.identity.roster import apply_roster, plan_roster, read_roster
from tests.conftest import ROOT
from tests.narrow import active_sheet

ORGS_CSV = """组织名称,上级组织,层级,兼职目标,管理员QQ
浙江省委,,省,,30001
杭州市委,浙江省委,市,,30002
杭州市西湖区委,杭州市委,县,20,
宁波市委,浙江省委,市,,"30003,30005"
坏组织,不存在的组织,县,,
某市委,杭州市西湖区委,市,,
"""
CADRES_CSV = """姓名,组织,类别,QQ
张三,浙江省委,专职,20001
李四,杭州市西湖区委,兼职,20002
王五,宁波市委,挂职,abc
赵六,火星团委,专职,20004
钱七,杭州市委,临时,20005
张三,浙江省委,专职,20001
孙八,坏组织,专职,20008
"""


async def _import(*files: tuple[str, bytes], actor=None, dry_run=False):
    sheets = [s for name, data in files for s in read_roster(name, data)]
    plan = await plan_roster(sheets, actor) if actor else await plan_roster(sheets)
    return await apply_roster(plan, dry_run=dry_run)


async def test_csv_import_reports_bad_rows_and_imports_good_ones() -> None:
    report = await _import(("orgs.csv", ORGS_CSV.encode()), ("cadres.csv", CADRES_CSV.encode()))
    assert report.created == {"orgs": 4, "cadres": 2, "admins": 4}
    reasons = {(e.sheet, e.row): e.reason for e in report.errors}
    assert reasons == {
        ("orgs.csv", 6): "上级组织“不存在的组织”不存在（表中和系统中都没有）",
        ("orgs.csv", 7): "市级组织不能设在县级组织“杭州市西湖区委”之下",
        ("cadres.csv", 4): "QQ“abc”不是有效的 QQ 号（5–12 位数字）",
        ("cadres.csv", 5): "组织“火星团委”不存在",
        ("cadres.csv", 6): "类别须为 专职、挂职、领导机关兼职、兼职 之一",
        ("cadres.csv", 8): "组织“坏组织”所在行有误",
    }
    xihu = await Organisation.get(name="杭州市西湖区委")
    assert (xihu.path, xihu.level, xihu.part_time_target) == ("1/2/3/", "county", 20)
    li = await Cadre.get(qq=20002).prefetch_related("org")
    assert (li.name, li.org.name, li.category, li.source) == ("李四", "杭州市西湖区委", "part_time", "roster")
    assert set(await Admin.filter(org__name="宁波市委").values_list("qq", flat=True)) == {30003, 30005}


async def test_reimport_changes_nothing() -> None:
    files = (("orgs.csv", ORGS_CSV.encode()), ("cadres.csv", CADRES_CSV.encode()))
    await _import(*files)
    before = [tuple(o) for o in await Organisation.all().order_by("id").values_list("id", "name", "path", "parent_id")]
    report = await _import(*files)
    assert report.created == {"orgs": 0, "cadres": 0, "admins": 0}
    assert report.updated == {"orgs": 0, "cadres": 0}
    assert report.unchanged == {"orgs": 4, "cadres": 2}
    after = [tuple(o) for o in await Organisation.all().order_by("id").values_list("id", "name", "path", "parent_id")]
    assert before == after
    assert await Cadre.all().count() == 2


async def test_xlsx_with_two_sheets_and_numeric_qq() -> None:
    book = Workbook()
    ws = active_sheet(book)
    ws.title = "组织"
    ws.append(["组织名称", "上级组织", "层级"])
    ws.append(["共青团浙江省委", None, "省级"])
    ws.append(["杭州市委", "浙江省委", "市"])
    cadres = book.create_sheet("团干部")
    cadres.append(["姓名", "组织", "类别", "QQ"])
    cadres.append(["张三", "杭州市委", "领导机关兼职", 123456789.0])
    buf = io.BytesIO()
    book.save(buf)
    report = await _import(("名册.xlsx", buf.getvalue()))
    assert report.errors == []
    assert report.created["orgs"] == 2
    cadre = await Cadre.get(qq=123456789).prefetch_related("org")
    assert (cadre.org.name, cadre.category) == ("杭州市委", "organ_part_time")


async def test_gbk_csv_from_excel_is_read() -> None:
    report = await _import(("orgs.csv", "组织名称,上级组织,层级\n浙江省委,,省\n".encode("gbk")))
    assert report.created["orgs"] == 1


async def test_dry_run_writes_nothing_but_previews_counts() -> None:
    report = await _import(("orgs.csv", ORGS_CSV.encode()), ("cadres.csv", CADRES_CSV.encode()), dry_run=True)
    assert report.created == {"orgs": 4, "cadres": 2, "admins": 4}
    assert await Organisation.all().count() == 0
    assert await Cadre.all().count() == 0


async def test_reimport_moves_org_with_its_subtree_and_updates_cadre() -> None:
    await _import(("orgs.csv", ORGS_CSV.encode()), ("cadres.csv", CADRES_CSV.encode()))
    moved = "组织名称,上级组织,层级\n杭州市委,宁波市委,县\n"
    # 杭州市委 becomes a county under 宁波市委 (odd, but a correction an admin may make)
    report = await _import(("orgs.csv", moved.encode()), ("cadres.csv", "姓名,组织,类别,QQ\n张三,宁波市委,挂职,20001\n".encode()))
    assert report.errors == []
    assert report.updated == {"orgs": 1, "cadres": 1}
    xihu = await Organisation.get(name="杭州市西湖区委")
    assert xihu.path == "1/4/2/3/"
    zhang = await Cadre.get(qq=20001).prefetch_related("org")
    assert (zhang.org.name, zhang.category) == ("宁波市委", "seconded")


async def test_cycles_and_conflicting_duplicates_are_rejected() -> None:
    await _import(("orgs.csv", ORGS_CSV.encode()))
    text = "组织名称,上级组织,层级\n甲,乙,基层\n乙,甲,基层\n浙江省委,杭州市西湖区委,基层\n丙,浙江省委,市\n丙,浙江省委,县\n"
    report = await _import(("orgs.csv", text.encode()))
    reasons = sorted(e.reason for e in report.errors)
    assert any("循环" in r for r in reasons)
    assert any("不能把“浙江省委”移到它自己的下级" in r for r in reasons)
    assert any("与第 5 行重复且内容不同" in r for r in reasons)
    assert not await Organisation.exists(name="甲")
    assert await Organisation.exists(name="丙")


async def test_admin_imports_only_inside_own_subtree() -> None:
    await _import(("orgs.csv", ORGS_CSV.encode()))
    actor = await load_actor(30002)  # 杭州市委
    text = "组织名称,上级组织,层级\n杭州市上城区委,杭州市委,县\n镇海区委,宁波市委,县\n"
    cadres = "姓名,组织,类别,QQ\n周九,杭州市上城区委,专职,20009\n吴十,宁波市委,专职,20010\n"
    report = await _import(("o.csv", text.encode()), ("c.csv", cadres.encode()), actor=actor)
    assert sorted(e.reason for e in report.errors) == sorted(
        ["你无权导入“宁波市委”的团干部", "你无权在“宁波市委”下导入组织"]
    )
    assert await Organisation.exists(name="杭州市上城区委")
    assert await Cadre.exists(qq=20009)
    assert not await Cadre.exists(qq=20010)


async def test_import_settles_pending_application() -> None:
    await _import(("orgs.csv", ORGS_CSV.encode()))
    await register(20001, "张三", "浙江省委", "专职")
    await _import(("cadres.csv", CADRES_CSV.encode()))
    application = await Application.get(qq=20001)
    assert (application.status, application.open_for) == ("approved", None)
    assert application.cadre_id == (await Cadre.get(qq=20001)).id


def test_cli_import_twice(tmp_path) -> None:
    """`python -m cli import` as an administrator runs it, on its own SQLite file."""
    (tmp_path / "orgs.csv").write_text(ORGS_CSV, encoding="utf-8")
    (tmp_path / "cadres.csv").write_text(CADRES_CSV, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}"}
    cmd = [sys.executable, "-m", "cli", "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv")]
    first = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "组织：新增 4，更新 0，未变 0" in first.stdout, first.stderr
    assert "cadres.csv 第 4 行：QQ“abc”不是有效的 QQ 号" in first.stdout
    assert first.returncode == 1  # some rows had errors
    second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "组织：新增 0，更新 0，未变 4" in second.stdout
    assert "团干部：新增 0，更新 0，未变 2" in second.stdout
