"""The problem list page: filters, counts by category, the cases; one case's page."""

from collections.abc import Mapping
from dataclasses import dataclass

from models import Case, Referral
from plugins.core import clock, workbook
from plugins.core.actor import Actor
from plugins.core.workbook import StreamedBook
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
    """The download: the summary and every case of the filters (no limit), streamed in chunks."""
    summary = summary_table(f, await cases.category_counts(actor, f))
    ids = await cases.case_ids(actor, f)
    book = StreamedBook(xlsx.cell)
    await book.append(book.sheet(xlsx.sheet_title(summary.title), summary.columns), summary.rows)
    sheet = book.sheet("诉求", CASE_COLUMNS)
    for chunk in workbook.chunks(ids):
        referred = await referrals.for_cases(list(chunk))
        await book.append(sheet, [
            case_row(r["id"], r["created_at"], r["category"], r["status"], bool(r["urgent"]), bool(r["overdue"]),
                     r["handler"], r["org_name"], r["escalated_at"] is not None, r["rating"], r["content"],
                     referred.get(r["id"], []))
            for r in await cases.export_rows(chunk)
        ])
    return await book.to_bytes()


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
