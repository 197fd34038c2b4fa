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

from models import Case
from plugins.core import clock, workbook
from plugins.core.actor import Actor
from plugins.core.workbook import StreamedBook
from plugins.requests import access, cases, problems, referrals, sla
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
    written in chunks (plugins/core/workbook.py) so chat stays responsive meanwhile."""
    scope = problems.scope_for(actor)
    summary = await problems.summarise(scope, period)
    ids = await problems.case_ids(scope, period)
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
    book = StreamedBook()
    await book.append(book.sheet(SUMMARY_SHEET), summary_rows)
    sheet = book.sheet(CASES_SHEET, CASE_COLUMNS)
    for chunk in workbook.chunks(ids):
        found = await problems.cases_by_ids(chunk)
        named = await access.youth_labels([c.youth_qq for c in found if c.show_identity and c.youth_qq])
        referred = await referrals.for_cases([c.id for c in found])
        await book.append(sheet, [
            _case_row(actor, case, now, with_content, named) + _referral_cells(referred.get(case.id, []), case, with_content)
            for case in found
        ])
    stamp = clock.to_local(now).strftime(_STAMP)
    path = export_dir() / f"problem-list-{stamp}-{secrets.token_hex(8)}.xlsx"
    await book.save(path)
    name = _UNSAFE.sub("_", f"问题清单_{scope.title}_{period.key}") + ".xlsx"
    return path, name, len(ids)


def _case_row(actor: Actor, case: Case, now: datetime, with_content: bool, named: dict[int, str]) -> list:
    visible = access.can_view(actor, case)
    if not with_content:
        content, comment = NOT_IN_GROUP, NOT_IN_GROUP
    elif visible:
        content, comment = case.content, case.rating_comment
    else:
        content, comment = HIDDEN, HIDDEN
    if case.youth_qq is None:
        who = "（已删除个人信息）"
    elif case.show_identity and with_content and visible:
        who = named.get(case.youth_qq, f"QQ {case.youth_qq}")
    else:
        who = "匿名"
    return [
        case.id,
        _local(case.created_at),
        category_label(case.category),
        STATUS_LABELS.get(case.status, case.status),
        "是" if sla.is_overdue(case, now) else "",
        access.handler_name(case),
        case.org.name,
        _local(case.first_answer_at),
        _local(case.closed_at),
        _local(case.escalated_at),
        case.escalation_note if with_content else (NOT_IN_GROUP if case.escalation_note else None),
        case.rating,
        comment,
        content,
        who,
    ]


def _referral_cells(found: list, case: Case, with_content: bool) -> list:
    if not found:
        cell = None
    elif with_content:
        cell = "；".join(referrals.line(r) for r in found)
    else:
        cell = f"{len(found)} 次（有结果 {sum(1 for r in found if r.outcome is not None)}）"
    return ["是" if case.urgent else "", cell]


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
