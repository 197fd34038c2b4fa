"""The problem list page: filters, counts by category, the cases; one case's page."""

import asyncio
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from models import Case, Referral
from plugins.core import clock, export_process
from plugins.core.actor import Actor
from plugins.core.xlsx_stream import (
    EMPTY,
    Book,
    Column,
    Deflated,
    Layout,
    Sheet,
    escaped,
    text_tail,
)
from plugins.dashboard import cases, periods, xlsx
from plugins.dashboard.cases import CaseFilter
from plugins.dashboard.tables import Table
from plugins.dashboard.web import int_or_none
from plugins.requests import referrals
from plugins.requests.problems import Counts

SUMMARY_COLUMNS = ["类别", "诉求数", "未办结", "超时未答复", "已上报", "已办结", "评价数", "平均评分"]
CASE_COLUMNS = ["编号", "提出时间", "类别", "状态", "超时未答复", "负责", "组织", "已上报", "评分", "内容摘要", "转介"]
EXCERPT = 40
SPLIT_ROWS = 20_000
"""A download of more cases is written by both export workers, half each (see `export`)."""


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


def excerpt_cell(text: str | None) -> str:
    """`excerpt` as the download's cell (xlsx_stream Column "cell"), `text_tail` written out: an
    excerpt has no space at either end to preserve."""
    line = excerpt(text)
    return f' t="inlineStr"><is><t>{escaped(line)}</t></is></c>' if line else EMPTY


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
    """The download: the summary and every case of the filters (no limit), written by worker
    processes (plugins/core/export_process.py), so chat is not slowed meanwhile. More than
    `SPLIT_ROWS` cases are cut in two at the middle case number and each export worker writes one
    half (`write_part`); the halves join into one sheet (plugins/core/xlsx_stream.py)."""
    where, params, order = cases.download_where(actor, f)
    overdue_sql, overdue_params = cases.overdue_condition("c.")
    parts: list[list[tuple[str, list]]] = [[("", [])]]
    low, high, count = await cases.id_range(where, params)
    if count > SPLIT_ROWS:
        parts = cases.download_halves(order, (low + high) // 2)
        order = ""  # each condition's rows in case-number order
    *written, by_category = await asyncio.gather(*(
        export_process.run("plugins.dashboard.problem_list:write_part", i == len(parts) - 1,
                           [cond for before in parts[:i] for cond in before], parts[i], where, params,
                           overdue_sql, overdue_params, order, f.period.start, export_process.FETCH)
        for i in range(len(parts))
    ), cases.category_counts(actor, f))  # the summary sheet, counted meanwhile
    summary = summary_table(f, by_category)
    book = Book()
    book.create_sheet(xlsx.sheet_title(summary.title)).append_rows([summary.columns, *summary.rows])
    book.add_parts("诉求", written)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def write_part(db: export_process.Database, last: bool, before: list[tuple[str, list]],
                     part: list[tuple[str, list]], where: str, params: list, overdue_sql: str,
                     overdue_params: list, order: str, since: datetime | None, fetch: int) -> Deflated:
    """In a worker: the cases `where` and each of the `part`'s conditions select, one condition after
    the other, as `case_row` shows them. Rows follow the header and the rows the conditions `before`
    select (counted here); with no `order`, each condition's rows in case-number order, newest first,
    read on SQLite in that order from the table (no index, no sort: the first of 91,451 rows came
    after 0.04 s instead of 0.7–0.9 s and all in 0.5–0.8 s instead of 1.0–1.2 s)."""
    joins = "LEFT JOIN cadre k ON k.id = c.cadre_id"
    tables = f'FROM "case" c JOIN organisation o ON o.id = c.org_id {joins}'
    if not order:
        if db.dialect == "sqlite":  # the case table outermost, read by number, no other index
            tables = f'FROM "case" c NOT INDEXED CROSS JOIN organisation o ON o.id = c.org_id {joins}'
        order = "c.id DESC"
    skip = 0
    for cond, cond_params in before:
        counted = await db.all(f'SELECT COUNT(*) FROM "case" c JOIN organisation o ON o.id = c.org_id '
                               f"WHERE {where}{cond}", *params, *cond_params)
        skip += counted[0][0]
    first = not before
    sheet = Sheet("诉求", first_row=1 if first else 2 + skip, head=first, tail=last)
    if first:
        sheet.append_rows([CASE_COLUMNS])
    referred: dict[int, list[str]] = {}
    for cond, cond_params in part:
        found = await referrals.of_cases(db, where + cond, [*params, *cond_params])
        referred.update((case_id, [referrals.line_of(*r) for r in lines]) for case_id, lines in found.items())
    yes_no = {1: "是", 0: "否"}.get
    org_names = dict(await db.all("SELECT o.id, o.name FROM organisation o"))
    names = {-org_id: f"共青团{name}管理员" for org_id, name in org_names.items()}  # as cases.handler_name
    names.update(await db.all("SELECT k.id, '共青团' || o.name || k.name FROM cadre k JOIN organisation o ON o.id = k.org_id"))
    referral_cells: dict[int | None, str] = {case_id: text_tail("；".join(lines)) for case_id, lines in referred.items()}
    referral_cells[None] = EMPTY

    def status(key: str) -> str:
        return ("紧急｜" + cases.status_label(key[:-1])) if key.endswith("!") else cases.status_label(key)

    # Names and referrals come as numbers (a handler: the cadre, or minus the organisation of its
    # administrators), looked up once per name: no string per row from the database.
    if since is None and db.dialect == "sqlite":  # the whole period: since the oldest case
        oldest = (await db.all('SELECT MIN(created_at) FROM "case"'))[0][0]
        since = datetime.fromisoformat(oldest) if oldest else None
    serial = db.serial_sql("c.created_at", since or clock.now())
    layout = Layout([
        Column("number", nullable=False),
        Column("datetime", None if serial else db.local_serial(), nullable=False),
        Column("label", cases.category_label), Column("label", status), Column("label", yes_no),
        Column("label", lambda key: names.get(key, "")), Column("label", lambda key: org_names.get(key, "")),
        Column("label", yes_no),
        Column("number"), Column("cell", excerpt_cell), Column("cell", referral_cells.__getitem__),
    ])
    for cond, cond_params in part:
        async for batch in db.batches(
            f"SELECT c.id, {serial or db.epoch('c.created_at')}, c.category, "
            "c.status || CASE WHEN c.urgent THEN '!' ELSE '' END, "
            f"CASE WHEN {overdue_sql} THEN 1 ELSE 0 END, CASE WHEN k.id IS NULL THEN -c.org_id ELSE k.id END, "
            "c.org_id, CASE WHEN c.escalated_at IS NULL THEN 0 ELSE 1 END, c.rating, c.content, "
            f"CASE WHEN EXISTS (SELECT 1 FROM referral r WHERE r.case_id = c.id) THEN c.id END {tables} "
            f"WHERE {where}{cond} ORDER BY {order}",
            *overdue_params, *params, *cond_params, size=fetch,
        ):
            sheet.append_typed(batch, layout)
    return sheet.finish()


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
