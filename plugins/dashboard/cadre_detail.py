"""One cadre's page: contacts over time, activity calendar, topics, requests, measures."""

import calendar
from dataclasses import dataclass
from datetime import date

from models import Activity, Cadre, Case
from models.enums import CADRE_CATEGORY_LABELS, FIELD_LABELS, CadreCategory, Field
from plugins.activities.service import KIND_LABELS, Progress, attendance, progress
from plugins.contacts import recency
from plugins.contacts.stats import CadreContacts, cadre_contacts
from plugins.core import clock
from plugins.dashboard import cases, measures
from plugins.dashboard.measures import Measures
from plugins.dashboard.tables import Table
from plugins.identity.orgs import real_name, target_for
from plugins.interaction.activity import Activity as Interaction
from plugins.interaction.activity import activity as interaction
from plugins.interaction.topics import recent_topics

TOPICS = 20
CASES = 50
DUE = 500
DELETED = "（内容已按保存期限删除）"


@dataclass
class Day:
    day: int
    activities: list[str]


@dataclass
class Month:
    label: str
    weeks: list[list[Day | None]]
    count: int


@dataclass
class CadreDetail:
    cadre: Cadre
    real_name: str
    category: str
    contacts: CadreContacts
    progress: Progress
    interaction: Interaction
    calendar: list[Month]
    measures: Measures | None
    tables: list[Table]
    fields: list[tuple[str, int]]


def activity_calendar(year: int, activities: list[Activity]) -> list[Month]:
    """Twelve month grids (weeks from Monday) marking the days activities took place."""
    by_day: dict[date, list[str]] = {}
    for a in activities:
        by_day.setdefault(a.day, []).append(f"{KIND_LABELS.get(a.kind, a.kind)}：{a.title}")
    months = []
    for month in range(1, 13):
        weeks = []
        count = 0
        for week in calendar.Calendar().monthdayscalendar(year, month):
            row: list[Day | None] = []
            for d in week:
                if d == 0:
                    row.append(None)
                    continue
                titles = by_day.get(date(year, month, d), [])
                count += len(titles)
                row.append(Day(d, titles))
            weeks.append(row)
        months.append(Month(f"{month}月", weeks, count))
    return months


async def build(cadre: Cadre, own: bool = False) -> CadreDetail:
    """`own`: the cadre is looking at their own page, so the 待联系 table names the youth
    (as /联系人 明细 does for them alone); administrators see it without names."""
    target = await target_for(cadre)
    contacts = await cadre_contacts(cadre, target)
    year = clock.today().year
    this_year = await Activity.filter(
        cadre_id=cadre.id, day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)
    ).order_by("day", "id")
    recent = await Activity.filter(cadre_id=cadre.id).order_by("-day", "-id").limit(100)
    counts = await attendance([a.id for a in recent])
    topics = await recent_topics(cadre, TOPICS)
    assigned = await Case.filter(cadre_id=cadre.id).order_by("-id").limit(CASES).prefetch_related("org")
    found = await measures.for_cadre(cadre.id)
    now = clock.now()
    fields = [(FIELD_LABELS[f], contacts.fields.get(f.value, 0)) for f in Field]
    fields.append(("未填写", contacts.fields.get(None, 0)))

    tables = [
        Table("联系人数趋势", ["月份", "已确认联系"], [[m, n] for m, n in contacts.trend]),
        Table("领域分布", ["领域", "青年人数"], [[label, n] for label, n in fields]),
        Table("活动", ["编号", "日期", "类型", "标题", "地点", "签到人数", "补记人数"],
              [[a.id, a.day, KIND_LABELS.get(a.kind, a.kind), a.title, a.place, counts.get(a.id, 0),
                a.head_count] for a in recent]),
        Table("话题", ["编号", "发起时间", "标题", "状态", "青年回复", "参与青年", "匿名回复", "已答复"],
              [[t.id, t.created_at, t.title or DELETED, "进行中" if t.status == "open" else "已结束",
                s.replies, s.people, s.anonymous, s.answered] for t, s in topics]),
        Table("诉求", ["编号", "提出时间", "类别", "状态", "超时未答复", "已上报", "评分"],
              [[c.id, c.created_at, cases.category_label(c.category), cases.status_label(c.status),
                cases.is_overdue(c, now), c.escalated_at is not None, c.rating] for c in assigned],
              [f"/dashboard/problems/{c.id}" for c in assigned]),
        Table("考核指标", ["指标", "数值"], _measure_rows(found)),
        await _due_table(cadre, own, now),
    ]
    return CadreDetail(
        cadre=cadre,
        real_name=real_name(cadre.org, cadre.name),
        category=CADRE_CATEGORY_LABELS.get(CadreCategory(cadre.category), cadre.category),
        contacts=contacts,
        progress=await progress(cadre),
        interaction=await interaction(cadre),
        calendar=activity_calendar(year, this_year),
        measures=found,
        tables=tables,
        fields=fields,
    )


def _measure_rows(m: Measures | None) -> list[list]:
    if m is None:
        return [[name, None] for name in measures.MEASURE_COLUMNS]
    rows = [[name, value] for name, value in zip(measures.MEASURE_COLUMNS, measures.row(m), strict=True)]
    rows += [[what, value] for what, value in m.inputs]
    return rows


async def _due_table(cadre: Cadre, own: bool, now) -> Table:
    """Confirmed contacts with no two-way contact for 90 days, oldest first (as /联系人 待联系)."""
    found = await recency.due(cadre.id, recency.DEFAULT_DAYS, DUE)
    columns = ["领域", "最后双向联系", "方式", "未联系天数"]
    rows: list[list] = []
    for r in found.rows:
        row = [FIELD_LABELS.get(Field(r.field), r.field) if r.field else "未填写", r.last_at,
               recency.KINDS[r.kind], (now - r.last_at).days]
        rows.append([f"{r.name}（QQ {r.qq}）", *row] if own else row)
    title = f"待联系（{recency.DEFAULT_DAYS} 天以上没有双向联系）"  # no names for administrators
    return Table(title, ["青年", *columns] if own else columns, rows, total=found.total)
