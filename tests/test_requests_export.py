"""/清单 导出: the .xlsx opens with openpyxl, has the expected sheets and rows, hides what it must."""

import base64
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from nonebot.adapters.onebot.v11.exception import ActionFailed
from nonebug import App
from openpyxl import load_workbook

from models import BoundGroup, Case
from plugins.contacts import cache
from plugins.core import clock
from plugins.core.actor import load_actor
from plugins.requests import exports, jobs, problems
from plugins.requests.config import settings
from tests.conftest import DEFAULT_NOW
from tests.helpers import BOT_ID, Api, Contains, converse, group, private
from tests.seed import (
    HANGZHOU_ADMIN,
    NINGBO_ADMIN,
    PROVINCE_ADMIN,
    XIHU_ADMIN,
    make_cadre,
    seed_tree,
)

SH = ZoneInfo("Asia/Shanghai")
ZHANG, WANG, LI = 20001, 20002, 20003
Y1, Y2 = 50001, 50002
G = 700001
T0 = DEFAULT_NOW
FORMULA = '=HYPERLINK("http://example.invalid","点我")'


@pytest.fixture(autouse=True)
def export_dir(tmp_path: Path):
    """Exports of this module go to a temporary folder."""
    with settings.override(requests_export_dir=str(tmp_path)):
        yield tmp_path


class XlsxFile:
    """Matches the `file` parameter of an upload: an .xlsx as `base64://…`, never a path
    (the OneBot side usually runs in another container). Keeps a decoded copy in `path`."""

    def __init__(self) -> None:
        self.path: Path | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        if not other.startswith("base64://"):
            return False
        data = base64.b64decode(other.removeprefix("base64://"), validate=True)
        if not data.startswith(b"PK"):  # an .xlsx is a zip
            return False
        handle, name = tempfile.mkstemp(suffix=".xlsx")
        os.write(handle, data)
        os.close(handle)
        self.path = Path(name)
        return True

    def __repr__(self) -> str:
        return "XlsxFile()"


async def world():
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    wang = await make_cadre(WANG, "王五", tree.ningbo)
    li = await make_cadre(LI, "李四", tree.xihu)
    rows = [
        (zhang, "difficulty", "closed", "食堂饭菜太贵了", {"first_answer_at": T0, "closed_at": T0, "rating": 4, "rating_comment": "还行"}),
        (zhang, "suggestion", "open", FORMULA, {"escalated_at": T0, "escalation_note": "普遍问题", "show_identity": True}),
        (li, "confusion", "open", "西湖区的困惑", {}),
        (wang, "difficulty", "open", "宁波的困难", {}),
    ]
    for i, (cadre, category, status, text, extra) in enumerate(rows):
        await Case.create(
            youth_qq=Y1 if i % 2 else Y2, category=category, content=text, cadre=cadre, org_id=cadre.org_id,
            status=status, created_at=T0 - timedelta(days=3 - i), **extra,
        )
    return tree, zhang


def cells(path: Path, sheet: str) -> list[list]:
    book = load_workbook(path)
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def files_in(folder: Path) -> list[Path]:
    return list(folder.iterdir())


def all_text(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


async def test_private_export_has_summary_and_cases_of_the_subtree(app: App) -> None:
    await world()
    file = XlsxFile()
    await converse(
        app, private(HANGZHOU_ADMIN, "/清单 导出 2026-11"),
        Api(
            "upload_private_file",
            {"user_id": HANGZHOU_ADMIN, "file": file, "name": "问题清单_杭州市委（含下级组织）_2026-11.xlsx"},
        ),
        Contains("已发送问题清单文件 问题清单_杭州市委（含下级组织）_2026-11.xlsx：2026年11月，3 件诉求"),
    )
    assert file.path is not None
    assert list(exports.export_dir().iterdir()) == []  # deleted once handed over
    book = load_workbook(file.path)
    assert book.sheetnames == ["汇总", "诉求"]
    summary = cells(file.path, "汇总")
    assert summary[0] == ["问题清单", "杭州市委（含下级组织）", *[None] * 7]
    header = summary.index(exports.SUMMARY_COLUMNS)
    by_label = {row[0]: row[1:] for row in summary[header + 1 : header + 6]}
    assert by_label["思想困惑"] == [1, 1, 0, 0, 0, 0, 0, None]
    assert by_label["实际困难"] == [1, 0, 0, 0, 1, 1, 1, 4]
    assert by_label["意见建议"] == [1, 1, 1, 1, 0, 0, 0, None]  # 48 hours without an answer
    assert by_label["合计"] == [3, 2, 1, 1, 1, 1, 1, 4]
    rows = cells(file.path, "诉求")
    assert rows[0] == exports.CASE_COLUMNS
    column = {name: i for i, name in enumerate(exports.CASE_COLUMNS)}
    assert [r[column["编号"]] for r in rows[1:]] == [2, 1, 3]  # overdue first
    assert [r[column["超时未答复"]] for r in rows[1:]] == ["是", None, None]
    assert [r[column["内容"]] for r in rows[1:]] == [FORMULA, "食堂饭菜太贵了", "西湖区的困惑"]
    assert [r[column["提出人"]] for r in rows[1:]] == ["QQ 50001", "匿名", "匿名"]
    assert rows[2][column["提出时间"]] == datetime(2026, 11, 27, 10, 0)  # local time
    assert rows[2][column["评价意见"]] == "还行"
    assert [r[column["组织"]] for r in rows[1:]] == ["杭州市委", "杭州市委", "杭州市西湖区委"]
    # What a youth typed stays text: never a formula.
    formula_cell = load_workbook(file.path)["诉求"].cell(row=2, column=column["内容"] + 1)
    assert formula_cell.data_type == "s" and formula_cell.value == FORMULA
    assert "宁波的困难" not in all_text(file.path)


async def test_content_is_hidden_outside_the_subtree(app: App) -> None:
    await world()
    for admin, shown, hidden in (
        (NINGBO_ADMIN, ["宁波的困难"], ["食堂饭菜太贵了", "西湖区的困惑"]),
        (XIHU_ADMIN, ["西湖区的困惑"], ["食堂饭菜太贵了", "宁波的困难"]),
        (PROVINCE_ADMIN, ["宁波的困难", "西湖区的困惑", "食堂饭菜太贵了"], []),
    ):
        actor = await load_actor(admin)
        path, _, count = await exports.build(actor, problems.parse_period("2026Q4"), with_content=True)
        text = all_text(path)
        assert count == len(shown) + (1 if admin == PROVINCE_ADMIN else 0)
        assert all(s in text for s in shown), admin
        assert not any(h in text for h in hidden), admin
    # A cadre's export: their own cases only.
    actor = await load_actor(LI)
    path, _, count = await exports.build(actor, problems.parse_period("2026-11"), with_content=True)
    assert count == 1 and "西湖区的困惑" in all_text(path) and "食堂" not in all_text(path)


async def test_rows_the_requester_may_not_see_have_no_content(app: App, tmp_path: Path) -> None:
    """Defence in depth: a row outside the requester's rights is written without content, even when the
    rows asked for include it."""
    from plugins.core import export_process

    await world()
    actor = await load_actor(XIHU_ADMIN)
    case = await Case.get(id=1).prefetch_related("org")
    assert not actor.administers(case.org)
    visible, params = exports.visible_sql(actor)
    path = tmp_path / "outside.xlsx"
    window = [case.created_at - timedelta(days=1), case.created_at + timedelta(days=1)]
    count = await export_process.run("plugins.requests.exports:write_book", str(path), [], window, "c.id = ?", [1],
                                     "1=0", [], visible, params, True, 100)
    header, row = cells(path, "诉求")
    column = {name: i for i, name in enumerate(header)}
    assert count == 1 and row[0] == 1
    assert (row[column["内容"]], row[column["评价意见"]], row[column["提出人"]]) == (exports.HIDDEN, exports.HIDDEN, "匿名")


async def test_group_export_has_no_content_no_themes_and_no_escalation_notes(app: App) -> None:
    _, zhang = await world()
    await Case.create(youth_qq=Y2, category="difficulty", content="食堂饭菜太咸了", cadre=zhang,
                      org_id=zhang.org_id, status="open", created_at=T0 - timedelta(hours=1))
    assert await problems.common_themes(problems.scope_for(await load_actor(ZHANG)), problems.parse_period(None))
    await BoundGroup.create(group_id=G, cadre=zhang, bot_id=BOT_ID, bound_by=ZHANG, bound_at=clock.now())
    cache.put(G, zhang.id, zhang.qq)
    file = XlsxFile()
    await converse(
        app, group(G, ZHANG, "/清单 导出"),
        Api("upload_group_file", {"group_id": G, "file": file, "name": "问题清单_共青团杭州市委张三_2026-11.xlsx"}),
        Contains("已发送问题清单文件", "3 件诉求", "群文件不含诉求内容"),
    )
    assert file.path is not None
    text = all_text(file.path)
    assert "食堂" not in text and "HYPERLINK" not in text and "50001" not in text and "还行" not in text
    assert "共性问题" not in text and "普遍问题" not in text
    assert exports.NOT_IN_GROUP in text


async def test_failed_upload_is_reported_and_the_file_removed(app: App, export_dir: Path) -> None:
    await world()
    file = XlsxFile()
    await converse(
        app, private(ZHANG, "/清单 导出"),
        Api("upload_private_file", {"user_id": ZHANG, "file": file, "name": "问题清单_共青团杭州市委张三_2026-11.xlsx"},
            exception=ActionFailed(retcode=1404)),
        Contains("文件发送失败", "如果你还不是联青的好友，请先加好友"),
    )
    assert files_in(export_dir) == []


async def test_a_file_too_large_for_the_websocket_is_refused_with_a_reason(
    app: App, export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugins.core import files

    await world()
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    await converse(app, private(ZHANG, "/清单 导出"), Contains("无法通过 QQ 发送，请缩小期间或范围后再试"))
    assert files_in(export_dir) == []


async def test_refusals(app: App) -> None:
    await world()
    await converse(app, private(Y1, "/清单 导出"), Contains("这条指令只供团干部和组织管理员使用"))
    await converse(app, private(ZHANG, "/清单 导出 明年"), Contains("看不懂期间"))


async def test_old_exports_are_removed(app: App, export_dir: Path) -> None:
    await world()
    actor = await load_actor(ZHANG)
    path, _, _ = await exports.build(actor, problems.parse_period(None), with_content=True)
    other = export_dir / "keep-me.txt"
    other.write_text("not ours")
    clock.set_now(T0 + timedelta(hours=23))
    await jobs.check()
    assert path.exists()
    clock.set_now(T0 + timedelta(hours=24))
    await jobs.check()
    assert not path.exists() and other.exists()


async def test_export_holds_every_case_however_many_chunks_it_takes(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are read and written in chunks; with more cases than a chunk every one is still there."""
    from plugins.core import export_process

    _, zhang = await world()
    for i in range(23):
        await Case.create(youth_qq=Y1, category="suggestion", content=f"建议{i}", cadre=zhang, org_id=zhang.org_id,
                          status="closed", created_at=T0 - timedelta(hours=i + 1))
    monkeypatch.setattr(export_process, "FETCH", 4)
    actor = await load_actor(PROVINCE_ADMIN)
    path, _, count = await exports.build(actor, problems.parse_period("2026-11"), with_content=True)
    rows = cells(path, "诉求")[1:]
    expected = await Case.filter(created_at__gte=datetime(2026, 11, 1, tzinfo=SH)).count()
    assert count == len(rows) == expected == 27
    assert len({r[0] for r in rows}) == 27
    assert rows[0][0] == 2  # the overdue case still first
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
