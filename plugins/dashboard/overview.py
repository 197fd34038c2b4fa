"""The overview of an organisation (or of everything the administrator manages)."""

import asyncio
from dataclasses import dataclass, field

from models import Organisation
from models.enums import FIELD_LABELS, Field
from plugins.contacts.stats import subtree_youth
from plugins.dashboard import figures, measures
from plugins.dashboard.figures import BelowTarget, GroupFigures, Trends
from plugins.dashboard.measures import Measures
from plugins.dashboard.tables import Table
from plugins.evaluation import summary
from plugins.evaluation.measures_sql import Means
from plugins.requests.problems import Counts

SUB_COLUMNS = [
    "组织", "团干部", "达标", "未达标", "已确认联系", "本季度未办活动", "今年未面对面",
    "未办结诉求", "超时未答复", "已上报未办结", *measures.MEASURE_COLUMNS,
]
OWN_LEVEL = "（本级）"


@dataclass
class SubRow:
    label: str
    org_id: int | None
    cadres: int = 0
    at_target: int = 0
    confirmed: int = 0
    no_activity: int = 0
    no_face_to_face: int = 0
    cases: Counts = field(default_factory=Counts)
    means: Means | None = field(default_factory=Means)
    """Sums for the measures' means over the evaluated cadres (None: not shown)."""

    def take(self, g: GroupFigures) -> None:
        self.cadres += g.cadres
        self.at_target += g.at_target
        self.confirmed += g.confirmed
        self.no_activity += g.no_activity
        self.no_face_to_face += g.no_face_to_face
        if self.means is not None:
            self.means.add(g.means)

    @property
    def measures(self) -> Measures | None:
        m = self.means
        if m is None or not m.cadres:
            return None
        return Measures(m.realization, m.activeness, m.satisfaction, m.composite)

    def cells(self) -> list:
        c = self.cases
        return [
            self.label, self.cadres, self.at_target, self.cadres - self.at_target, self.confirmed,
            self.no_activity, self.no_face_to_face, c.pending, c.overdue, c.escalated,
            *measures.row(self.measures),
        ]


@dataclass
class Overview:
    title: str
    org: Organisation | None
    totals: SubRow
    youth: int
    overlap_youth: int
    fields: list[tuple[str, int]]
    rows: list[SubRow]
    below: list[BelowTarget]
    trends: Trends
    tables: list[Table]


async def _groups(org: Organisation | None, roots: list[Organisation] | None) -> list[Organisation]:
    """The rows of the sub-organisation table."""
    if org is not None:
        return await Organisation.filter(parent_id=org.id).order_by("id")
    if roots is None:
        return await Organisation.filter(parent_id=None).order_by("id")
    return roots


def _group_of(path: str, groups: list[Organisation]) -> Organisation | None:
    for g in groups:
        if path.startswith(g.path):
            return g
    return None


PAGE_BELOW = 100
"""Cadres below target the page lists (the largest gaps; the download and the cadre list have
all): the province's 8,000-odd rows made the page 799 KB, and rendering them took ~0.4 s."""


async def build(org: Organisation | None, roots: list[Organisation] | None, paths: list[str] | None) -> Overview:
    """The page: `full`, with only the first PAGE_BELOW cadres below target listed."""
    return await full(org, roots, paths, PAGE_BELOW)


async def full(org: Organisation | None, roots: list[Organisation] | None, paths: list[str] | None,
               below_limit: int | None = None) -> Overview:
    """`org` chosen, else everything under `roots` (None: all); `paths` is what that covers.
    `below_limit`: list only the largest gaps (the page), else every cadre below target.

    Counts, contacts and the measures' means by sub-organisation are one grouped query over
    the summary rows (plugins/evaluation/measures_sql.py); the cadres below target another,
    sorted in SQL. Independent reads run together (on PostgreSQL each takes its own connection;
    SQLite's one connection takes them in turn)."""
    groups = await _groups(org, roots)
    chosen = org or (roots[0] if roots is not None and len(roots) == 1 else None)
    # One organisation's subtree: youth and past months from the summary tables; several roots
    # or everything: counted now.
    one = chosen.id if chosen is not None and paths == [chosen.path] else None
    grouped, below, case_counts, contacts, trends = await asyncio.gather(
        figures.grouped_figures(paths, groups), figures.below_target(paths, below_limit),
        figures.case_counts_by_org(paths), summary.subtree_youth(one) if one is not None else subtree_youth(paths),
        figures.trends(paths, one),
    )
    rows = {g.id: SubRow(g.name, g.id) for g in groups}
    own = SubRow(OWN_LEVEL + (org.name if org else ""), org.id if org else None)
    totals = SubRow("合计", None)
    for key, found in grouped.items():
        (rows[key] if key in rows else own).take(found)
        totals.take(found)
    for path, counts in case_counts.items():
        g = _group_of(path, groups)
        (rows[g.id] if g else own).cases.add(counts)
        totals.cases.add(counts)
    if org is None:
        totals.means = None  # several organisations: no one mean
    sub_rows = ([own] if org is not None and (own.cadres or own.cases.pending) else []) + list(rows.values())
    trends.contacts[-1] = totals.confirmed  # this month: the live count
    fields = [(FIELD_LABELS[f], contacts.fields.get(f.value, 0)) for f in Field]
    fields.append(("未填写", contacts.fields.get(None, 0)))
    title = org.name if org else ("全部组织" if roots is None else "、".join(r.name for r in roots))
    overview = Overview(title, org, totals, contacts.youth, contacts.overlap_youth, fields, sub_rows,
                        below.rows, trends, [])
    overview.tables = _tables(overview, below.total)
    return overview


async def tables(org: Organisation | None, roots: list[Organisation] | None, paths: list[str] | None) -> list[Table]:
    """What the download holds (in a worker process: routes_overview.py)."""
    return (await full(org, roots, paths)).tables


def _tables(o: Overview, below_total: int) -> list[Table]:
    subs = Table("下级组织", SUB_COLUMNS, [r.cells() for r in [*o.rows, o.totals]],
                 [f"/dashboard/orgs/{r.org_id}" if r.org_id and r.org_id != (o.org.id if o.org else None)
                  else None for r in [*o.rows, o.totals]])
    below = Table(
        "未达标团干部", ["编号", "姓名", "组织", "类别", "已确认联系", "目标", "差距"],
        [[f.id, f.name, f.org_name, f.category_label, f.confirmed, f.target, f.gap] for f in o.below],
        [f"/dashboard/cadres/{f.id}" for f in o.below], link_col=1,
        total=below_total if below_total > len(o.below) else None,
    )
    t = o.trends
    trend = Table("月度趋势", ["月份", "已确认联系", "双向交流", "线下活动", "新诉求"],
                  [[m, t.contacts[i], t.exchanges[i], t.activities[i], t.requests[i]]
                   for i, m in enumerate(t.months)])
    fields = Table("青年领域分布", ["领域", "青年人数"], [[label, n] for label, n in o.fields])
    return [subs, below, trend, fields]
