"""/清单 导出: the problem list as an .xlsx with a summary sheet and a cases sheet.

Files go to REQUESTS_EXPORT_DIR under an unguessable name, are handed to the
OneBot side as base64 (plugins/core/files.py) and deleted once handed over;
REQUESTS_EXPORT_KEEP_HOURS removes any left behind (e.g. by a crash).
Content is written only for cases the requester may see; the youth's identity
only where the youth agreed (`show_identity`). Cells are always text or
numbers, never formulas, whatever a youth typed.
"""

import re
import secrets
from datetime import datetime
from pathlib import Path

from plugins.core import clock, export_process
from plugins.core.actor import Actor
from plugins.core.xlsx_stream import Book, Column, Layout
from plugins.identity.orgs import LEAGUE
from plugins.requests import cases, problems, referrals
from plugins.requests.config import settings
from plugins.requests.texts import STATUS_LABELS, category_label

SUMMARY_SHEET = "汇总"
CASES_SHEET = "诉求"
CASE_COLUMNS = [
    "编号", "提出时间", "类别", "状态", "超时未答复", "负责", "组织", "首次答复", "办结时间",
    "上报时间", "上报说明", "评分", "评价意见", "内容", "提出人", "紧急", "转介",
]
SUMMARY_COLUMNS = ["类别", "诉求数", "未办结", "超时未答复", "已上报", "已答复", "已办结", "评价数", "平均评分"]
HIDDEN = "（无权查看）"
NOT_IN_GROUP = "（群文件不含内容）"
_STAMP = "%Y%m%dT%H%M%S"
_NAME = re.compile(r"^problem-list-(\d{8}T\d{6})-[0-9a-f]{16}\.xlsx$")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')

def export_dir() -> Path:
    return Path(settings().requests_export_dir).resolve()


def _local(instant: datetime | None) -> datetime | None:
    """Excel has no time zones: local wall-clock time, as every reply shows it."""
    return clock.to_local(instant).replace(tzinfo=None, microsecond=0) if instant else None


async def build(actor: Actor, period: problems.Period, *, with_content: bool) -> tuple[Path, str, int]:
    """Write the workbook; returns its absolute path, the file name to show and the case count.

    Every case of the period and scope is written (open urgent ones first, then overdue, then by number), read and
    written by a worker process (plugins/core/export_process.py) so chat stays responsive meanwhile."""
    scope = problems.scope_for(actor)
    summary = await problems.summarise(scope, period)
    # Recurring words come from the cases' content: not for a group file.
    themes = await problems.common_themes(scope, period) if with_content else []
    now = clock.now()
    summary_rows: list[list] = [
        ["问题清单", scope.title],
        ["期间", period.label],
        ["生成时间", _local(now)],
        ["首次答复时限（小时）", cases.settings().requests_first_answer_hours],
        [],
        SUMMARY_COLUMNS,
    ]
    for category, n in [*problems.ordered_categories(summary), ("合计", summary.total)]:
        label = "合计" if category == "合计" else category_label(category)
        average = round(n.average, 2) if n.average is not None else None
        summary_rows.append(
            [label, n.total, n.pending, n.overdue, n.escalated, n.answered, n.closed, n.rated, average]
        )
    if themes:
        summary_rows += [[], ["共性问题（多件诉求中反复出现的词）", "涉及诉求数"]]
        summary_rows += [[word, count] for word, count in themes]
    stamp = clock.to_local(now).strftime(_STAMP)
    path = export_dir() / f"problem-list-{stamp}-{secrets.token_hex(8)}.xlsx"
    overdue, overdue_params = problems.overdue_sql("c.")
    visible, visible_params = visible_sql(actor)
    count = await export_process.run(
        "plugins.requests.exports:write_book", str(path), summary_rows, list(period.window), scope.where,
        scope.params, overdue, overdue_params, visible, visible_params, with_content, export_process.FETCH,
    )
    name = _UNSAFE.sub("_", f"问题清单_{scope.title}_{period.key}") + ".xlsx"
    return path, name, count


def visible_sql(actor: Actor) -> tuple[str, list]:
    """`access.can_view` as SQL over `"case" c JOIN organisation o`."""
    if actor.superuser:
        return "1=1", []
    parts, params = [], []
    if actor.qq is not None:
        parts.append("c.youth_qq = ?")
        params.append(actor.qq)
    if actor.cadre is not None:
        parts.append("c.cadre_id = ?")
        params.append(actor.cadre.id)
    for org in actor.admin_orgs:
        parts.append("o.path LIKE ?")
        params.append(org.path + "%")
    return ("(" + " OR ".join(parts) + ")" if parts else "1=0"), params


async def write_book(db: export_process.Database, path: str, summary_rows: list[list], window: list,
                     where: str, params: list, overdue: str, overdue_params: list, visible: str,
                     visible_params: list, with_content: bool, fetch: int) -> int:
    """In a worker process (plugins/core/export_process.py): every case of the period and scope, in the
    order of `problems.list_order`, written to `path`; returns how many."""
    book = Book()
    book.create_sheet(SUMMARY_SHEET).append_rows(summary_rows)
    sheet = book.create_sheet(CASES_SHEET)
    sheet.append_rows([CASE_COLUMNS])
    scope = f"c.created_at >= ? AND c.created_at < ? AND {where}"
    referred = await referrals.of_cases(db, scope, [*window, *params])

    def referral_cell(case_id: int) -> str | None:
        found = referred.get(case_id)
        if not found:
            return None
        if with_content:
            return "；".join(referrals.line_of(*r) for r in found)
        return f"{len(found)} 次（有结果 {sum(1 for r in found if r[2] is not None)}）"

    def cells(batch: list):
        for (case_id, created, category, status, late, handler, org_name, answered, closed, escalated,
             escalation_note, rating, rating_comment, content, youth_qq, show_identity, nickname, can_view,
             urgent) in batch:
            if not with_content:
                text, comment = NOT_IN_GROUP, NOT_IN_GROUP
            elif can_view:
                text, comment = content, rating_comment
            else:
                text, comment = HIDDEN, HIDDEN
            if youth_qq is None:
                who = "（已删除个人信息）"
            elif show_identity and with_content and can_view:
                who = f"QQ {youth_qq}" + (f"（{nickname}）" if nickname else "")
            else:
                who = "匿名"
            note = escalation_note if with_content else (NOT_IN_GROUP if escalation_note else None)
            yield (case_id, created, category, status, late, handler, org_name, answered, closed, escalated,
                   note, rating, comment, text, who, urgent, case_id)

    yes = {1: "是", 0: ""}.get
    serial = db.local_serial()
    layout = Layout([
        Column("number", nullable=False), Column("datetime", serial, nullable=False),
        Column("label", category_label), Column("label", lambda s: STATUS_LABELS.get(s, s)),
        Column("text", yes), Column("label"), Column("label"), Column("datetime", serial),
        Column("datetime", serial), Column("datetime", serial), Column("text"), Column("number"), Column("text"),
        Column("text"), Column("text"), Column("text", lambda u: "是" if u else None), Column("text", referral_cell),
    ])
    async for batch in db.batches(
        f"SELECT c.id, {db.epoch('c.created_at')}, c.category, c.status, CASE WHEN {overdue} THEN 1 ELSE 0 END, "
        f"CASE WHEN k.id IS NULL THEN '{LEAGUE}' || o.name || '管理员' ELSE '团干部' || k.name || '（' || ko.name || '）' END, "
        f"o.name, {db.epoch('c.first_answer_at')}, {db.epoch('c.closed_at')}, {db.epoch('c.escalated_at')}, "
        "c.escalation_note, c.rating, c.rating_comment, c.content, c.youth_qq, c.show_identity, y.nickname, "
        f"CASE WHEN {visible} THEN 1 ELSE 0 END, c.urgent "
        'FROM "case" c JOIN organisation o ON o.id = c.org_id LEFT JOIN cadre k ON k.id = c.cadre_id '
        "LEFT JOIN organisation ko ON ko.id = k.org_id LEFT JOIN youth y ON y.qq = c.youth_qq "
        f"WHERE {scope} ORDER BY {problems.list_order(overdue)}",
        *overdue_params, *visible_params, *window, *params, *overdue_params, size=fetch,
    ):
        sheet.append_typed(cells(batch), layout)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    book.save(part)
    part.replace(target)
    return sheet.rows - 1


def remove_old() -> int:
    """Delete exports older than REQUESTS_EXPORT_KEEP_HOURS (by the clock time in their name)."""
    folder = export_dir()
    if not folder.is_dir():
        return 0
    cutoff = clock.to_local(clock.now()).replace(tzinfo=None)
    removed = 0
    for path in folder.iterdir():
        m = _NAME.match(path.name)
        if m is None:
            continue
        made = datetime.strptime(m.group(1), _STAMP)
        if (cutoff - made).total_seconds() >= settings().requests_export_keep_hours * 3600:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
