"""The problem list page: filters, counts by category, the cases; one case's page."""

import io
from collections.abc import Mapping
from dataclasses import dataclass

from models import Case, Referral
from plugins.core import clock, export_process
from plugins.core.actor import Actor
from plugins.core.xlsx_stream import Book, Column, Layout
from plugins.dashboard import cases, periods, xlsx
from plugins.dashboard.cases import CaseFilter
from plugins.dashboard.tables import Table
from plugins.dashboard.web import int_or_none
from plugins.requests import referrals
from plugins.requests.problems import Counts

SUMMARY_COLUMNS = ["类别", "诉求数", "未办结", "超时未答复", "已上报", "已办结", "评价数", "平均评分"]
CASE_COLUMNS = ["编号", "提出时间", "类别", "状态", "超时未答复", "负责", "组织", "已上报", "评分", "内容摘要", "转介"]
EXCERPT = 40


def parse(values: Mapping) -> CaseFilter:
    category = str(values.get("category") or "")
    status = str(values.get("status") or "")
    escalated = str(values.get("escalated") or "")
    key = str(values.get("period") or periods.DEFAULT)
    period = periods.parse(key)
    return CaseFilter(
        period=period,
        period_key=key if key in periods.WORDS else period.key,
        category=category if category in cases.CATEGORY_LABELS else "",
        status=status if status in cases.STATUS_FILTERS else "",
        escalated=escalated if escalated in ("yes", "no") else "",
        cadre_id=int_or_none(values.get("cadre")),
    )


def params(f: CaseFilter) -> dict[str, str]:
    out = {"period": f.period_key}
    for name in ("category", "status", "escalated"):
        if getattr(f, name):
            out[name] = getattr(f, name)
    if f.cadre_id:
        out["cadre"] = str(f.cadre_id)
    return out


def excerpt(text: str | None) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= EXCERPT else line[: EXCERPT - 1] + "…"


@dataclass
class ProblemPage:
    summary: Table
    cases: Table


def summary_table(f: CaseFilter, by_category: dict[str, Counts]) -> Table:
    """Per category and in total, as /清单 counts them (plugins/requests/problems.py Counts)."""
    summary_rows = []
    total = Counts()
    for key, n in by_category.items():
        if key == "other" and not n.total:
            continue
        summary_rows.append([cases.category_label(key), *_summary_cells(n)])
        total.add(n)
    summary_rows.append(["合计", *_summary_cells(total)])
    return Table(f"分类汇总（{f.period.label}）", SUMMARY_COLUMNS, summary_rows)


def _summary_cells(n: Counts) -> list:
    average = round(n.average, 2) if n.average is not None else None
    return [n.total, n.pending, n.overdue, n.escalated, n.closed, n.rated, average]


def case_row(case_id: int, created_at, category: str, status: str, urgent: bool, overdue: bool, handler: str,
             org_name: str, escalated: bool, rating: int | None, content: str | None,
             referred: list[Referral]) -> list:
    """One case as the page and the download show it (urgent cases say so in their status)."""
    return [case_id, created_at, cases.category_label(category),
            ("紧急｜" if urgent else "") + cases.status_label(status), overdue, handler, org_name, escalated,
            rating, excerpt(content), "；".join(referrals.line(r) for r in referred) or None]


async def build(actor: Actor, f: CaseFilter, limit: int) -> ProblemPage:
    found = await cases.case_list(actor, f, limit)
    referred = await referrals.for_cases([c.id for c in found.cases])
    rows = [
        case_row(c.id, c.created_at, c.category, c.status, c.urgent, c.id in found.overdue_ids,
                 cases.handler_name(c), c.org.name, c.escalated_at is not None, c.rating, c.content,
                 referred.get(c.id, []))
        for c in found.cases
    ]
    return ProblemPage(
        summary_table(f, found.by_category),
        Table("诉求", CASE_COLUMNS, rows, [f"/dashboard/problems/{c.id}" for c in found.cases],
              total=found.total),
    )


async def export(actor: Actor, f: CaseFilter) -> bytes:
    """The download: the summary and every case of the filters (no limit), written by a worker
    process (plugins/core/export_process.py) from one query, so chat is not slowed meanwhile."""
    summary = summary_table(f, await cases.category_counts(actor, f))
    where, params, order = cases.download_where(actor, f)
    overdue_sql, overdue_params = cases.overdue_condition("c.")
    return await export_process.run(
        "plugins.dashboard.problem_list:write_download", xlsx.sheet_title(summary.title),
        [summary.columns, *summary.rows], where, params, overdue_sql, overdue_params, order, export_process.FETCH,
    )


async def write_download(db: export_process.Database, summary_title: str, summary: list[list],
                         where: str, params: list, overdue_sql: str, overdue_params: list, order: str,
                         fetch: int) -> bytes:
    """In the worker: the summary sheet, then every case as `case_row` shows it."""
    book = Book()
    book.create_sheet(summary_title).append_rows(summary)
    sheet = book.create_sheet("诉求")
    sheet.append_rows([CASE_COLUMNS])
    tables = ('FROM "case" c JOIN organisation o ON o.id = c.org_id LEFT JOIN cadre k ON k.id = c.cadre_id '
              "LEFT JOIN organisation ko ON ko.id = k.org_id")
    referred = {case_id: [referrals.line_of(*r) for r in found]
                for case_id, found in (await referrals.of_cases(db, where, params)).items()}
    yes_no = {1: "是", 0: "否"}.get

    def status(key: str) -> str:
        return ("紧急｜" + cases.status_label(key[:-1])) if key.endswith("!") else cases.status_label(key)

    def referral_cell(case_id: int) -> str | None:
        lines = referred.get(case_id)
        return "；".join(lines) if lines else None

    layout = Layout([
        Column("number", nullable=False), Column("datetime", db.local_serial(), nullable=False),
        Column("label", cases.category_label), Column("label", status), Column("label", yes_no),
        Column("label"), Column("label"), Column("label", yes_no), Column("number"), Column("text", excerpt),
        Column("text", referral_cell),
    ])
    async for batch in db.batches(
        f"SELECT c.id, {db.epoch('c.created_at')}, c.category, "
        "c.status || CASE WHEN c.urgent THEN '!' ELSE '' END, "
        f"CASE WHEN {overdue_sql} THEN 1 ELSE 0 END, "
        "CASE WHEN k.id IS NULL THEN '共青团' || o.name || '管理员' ELSE '共青团' || ko.name || k.name END, "
        f"o.name, CASE WHEN c.escalated_at IS NULL THEN 0 ELSE 1 END, c.rating, c.content, c.id {tables} "
        f"WHERE {where} ORDER BY {order}",
        *overdue_params, *params, size=fetch,
    ):
        sheet.append_typed(batch, layout)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class CaseDetail:
    case: Case
    handler: str
    identity: str
    overdue: bool
    tables: list[Table]


async def detail(actor: Actor, case: Case) -> CaseDetail:
    events = await cases.events_of(case)
    if case.youth_qq is None:
        identity = "（已删除个人信息）"
    elif cases.can_see_identity(actor, case):
        identity = f"QQ {case.youth_qq}"
    else:
        identity = "匿名（青年未同意显示身份）"
    info = Table("诉求", ["项目", "内容"], [
        ["编号", case.id], ["提出时间", case.created_at], ["类别", cases.category_label(case.category)],
        ["状态", cases.status_label(case.status)], ["负责", cases.handler_name(case)],
        ["组织", case.org.name], ["提出人", identity], ["首次答复", case.first_answer_at],
        ["办结时间", case.closed_at], ["办结说明", case.close_note], ["上报时间", case.escalated_at],
        ["上报说明", case.escalation_note], ["评分", case.rating], ["评价意见", case.rating_comment],
        ["内容", case.content],
    ])
    history = Table("处理记录", ["时间", "事项", "内容"], [
        [e.created_at, cases.EVENT_LABELS.get(e.kind, e.kind), e.text] for e in events
    ])
    return CaseDetail(case, cases.handler_name(case), identity, cases.is_overdue(case, clock.now()),
                      [info, history])
