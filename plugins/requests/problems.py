"""The problem list (问题清单): cases of a period by category, escalated items, common themes.

A cadre's list covers the cases assigned to them; an administrator's the cases
of every organisation in their subtree (a superuser's: all). Counts are one SQL
GROUP BY; "overdue" there is the same rule as `sla.is_overdue`.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from models import Case
from plugins.core import clock, periods
from plugins.core.actor import Actor
from plugins.core.errors import Forbidden
from plugins.core.sql import epoch, fetch, subtree_sql, values
from plugins.identity.orgs import real_name, subtree_q
from plugins.requests import sla
from plugins.requests.texts import Category

Period = periods.Period
parse_period = periods.parse


# ------------------------------------------------------------------ scope


@dataclass
class Scope:
    title: str
    where: str
    params: list
    cadre_id: int | None = None
    roots: list | None = None
    admin: bool = False

    def filter(self, query):
        """The same scope for an ORM query on Case."""
        if self.cadre_id is not None:
            return query.filter(cadre_id=self.cadre_id)
        cond = subtree_q(self.roots, "org__path")
        return query if cond is None else query.filter(cond)


def scope_for(actor: Actor) -> Scope:
    """Administrators: their subtree; cadres: their own cases."""
    if actor.is_admin:
        roots = actor.subtree_roots()
        where, params = subtree_sql(None if roots is None else [o.path for o in roots], "o.path")
        title = "全部组织" if roots is None else "、".join(o.name for o in roots) + "（含下级组织）"
        return Scope(title, where, params, roots=roots, admin=True)
    if actor.cadre is not None:
        cadre = actor.cadre
        return Scope(real_name(cadre.org, cadre.name), "c.cadre_id = ?", [cadre.id], cadre_id=cadre.id)
    raise Forbidden("问题清单供团干部和组织管理员使用。青年可发送 /诉求 列表 查看自己的诉求")


# ------------------------------------------------------------------ counts


@dataclass
class Counts:
    total: int = 0
    pending: int = 0
    overdue: int = 0
    escalated: int = 0
    closed: int = 0
    answered: int = 0
    rated: int = 0
    rating_sum: int = 0
    urgent: int = 0

    @classmethod
    def of_row(cls, row: dict) -> "Counts":
        """From a SQL row with some of the fields as columns (the others stay 0)."""
        return cls(**{k: int(row[k] or 0) for k in cls.__dataclass_fields__ if k in row})

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def average(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


@dataclass
class Summary:
    scope: Scope
    period: Period
    by_category: dict[str, Counts]
    total: Counts = field(default_factory=Counts)


def overdue_sql(prefix: str = "") -> tuple[str, list]:
    """SQL for "no first answer within the service level" (waiting time excluded), and its
    parameter; the same rule as sla.is_overdue."""
    now = clock.now().timestamp()
    active = f"{epoch(prefix + 'created_at')} + {prefix}paused_seconds"
    urgent = sla.settings().requests_urgent_hours * 3600
    return (
        f"({prefix}status = 'open' AND {prefix}first_answer_at IS NULL "
        f"AND ({active} <= CAST(? AS DOUBLE PRECISION) "
        f"OR ({prefix}urgent AND {active} <= CAST(? AS DOUBLE PRECISION))))",
        [now - sla.first_answer_seconds(), now - urgent],
    )


async def summarise(scope: Scope, period: Period) -> Summary:
    """Counts per category for cases opened in the period (one GROUP BY)."""
    overdue, overdue_params = overdue_sql("c.")
    rows = await fetch(
        "SELECT c.category AS category, COUNT(*) AS total, "
        "SUM(CASE WHEN c.status <> 'closed' THEN 1 ELSE 0 END) AS pending, "
        f"SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS overdue, "
        "SUM(CASE WHEN c.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated, "
        "SUM(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) AS closed, "
        "SUM(CASE WHEN c.first_answer_at IS NOT NULL THEN 1 ELSE 0 END) AS answered, "
        "COUNT(c.rating) AS rated, COALESCE(SUM(c.rating), 0) AS rating_sum, "
        "SUM(CASE WHEN c.urgent THEN 1 ELSE 0 END) AS urgent "
        'FROM "case" c JOIN organisation o ON o.id = c.org_id '
        f"WHERE c.created_at >= ? AND c.created_at < ? AND {scope.where} "
        "GROUP BY c.category",
        *overdue_params,
        *period.window,
        *scope.params,
    )
    by_category = {
        r["category"]: Counts.of_row(r) for r in rows
    }
    summary = Summary(scope, period, by_category)
    for counts in by_category.values():
        summary.total.add(counts)
    return summary


def ordered_categories(summary: Summary) -> list[tuple[str, Counts]]:
    """The glossary's categories in their order (with zeros), then unclassified."""
    order = [c.value for c in Category]
    rows = [(c, summary.by_category.get(c, Counts())) for c in order if c != Category.other]
    rows += [(c, n) for c, n in summary.by_category.items() if c not in order[:3]]
    return rows


async def escalated(scope: Scope, period: Period, limit: int) -> list[Case]:
    """The escalated cases of the period, urgent first, then the latest escalated. The numbers
    come from one query the (org_id, created_at, …, escalated_at) index covers: through the ORM
    every case of the period was read to test escalated_at (the province's year: 0.6 s on SQLite)."""
    rows = await fetch(
        'SELECT c.id AS id FROM "case" c JOIN organisation o ON o.id = c.org_id '
        f"WHERE c.escalated_at IS NOT NULL AND c.created_at >= ? AND c.created_at < ? AND {scope.where} "
        "ORDER BY c.urgent DESC, c.escalated_at DESC, c.id LIMIT ?",
        *period.window, *scope.params, limit,
    )
    return await cases_in_order([int(r["id"]) for r in rows])


async def cases_in_order(ids: Sequence[int]) -> list[Case]:
    """These cases with their cadre and organisation, in the order given (lists that find the
    numbers with one indexed query, then load only those cases)."""
    if not ids:
        return []
    found = {c.id: c for c in await Case.filter(id__in=list(ids)).prefetch_related("cadre__org", "org")}
    return [found[i] for i in ids if i in found]


async def referrals_in(scope: Scope, period: Period, limit: int = 1000) -> list:
    """Referrals made in the period on cases in scope (oldest first)."""
    from models import Referral

    rows = await fetch(
        'SELECT r.id AS id FROM referral r JOIN "case" c ON c.id = r.case_id JOIN organisation o ON o.id = c.org_id '
        f"WHERE r.created_at >= ? AND r.created_at < ? AND {scope.where} ORDER BY r.id LIMIT ?",
        *period.window, *scope.params, limit,
    )
    ids = [r["id"] for r in rows]
    return await Referral.filter(id__in=ids).order_by("id") if ids else []


def list_order(overdue: str) -> str:
    """ORDER BY for every case list of a period: open urgent ones first (as every list shows
    them), then overdue (`overdue_sql`, its parameters after the query's own), then by number."""
    return f"CASE WHEN c.urgent AND c.status <> 'closed' THEN 0 ELSE 1 END, CASE WHEN {overdue} THEN 0 ELSE 1 END, c.id"


# ------------------------------------------------------------------ common themes

_RUNS = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z][A-Za-z0-9]{2,}")
_EDGE = set("的了吗呢吧啊呀和与及或也都很就还又在是我你他她它们这那有要会能想让把被给对向从到太不没挺更最")
_STOP = {
    "我们", "你们", "他们", "希望", "可以", "能否", "什么", "怎么", "如何", "没有", "一个", "这个",
    "那个", "问题", "现在", "自己", "就是", "还是", "但是", "因为", "所以", "如果", "已经", "非常",
    "比较", "一下", "不是", "请问", "谢谢", "老师", "大家", "一些", "时候", "觉得", "需要", "知道",
    "不能", "不会", "可能", "应该", "为什么", "怎么办", "有没有", "能不能", "是不是",
}
THEME_MIN_CASES = 2
THEME_SCAN = 2000


def themes(texts: list[str], top: int = 5) -> list[tuple[str, int]]:
    """Phrases (2–6 characters, or words) found in at least two cases, longest kept.

    A hint for the cadre, not an analysis: counts are of cases, not mentions."""
    cases_with: Counter[str] = Counter()
    for text in texts:
        grams: set[str] = set()
        for run in _RUNS.findall(text):
            if run.isascii():
                grams.add(run.lower())
                continue
            for n in range(2, 7):
                grams.update(run[i : i + n] for i in range(len(run) - n + 1))
        cases_with.update(grams)
    candidates = [
        (g, n)
        for g, n in cases_with.items()
        if n >= THEME_MIN_CASES and g not in _STOP and g[0] not in _EDGE and g[-1] not in _EDGE
    ]
    candidates.sort(key=lambda gn: (-gn[1], -len(gn[0]), gn[0]))
    kept: list[tuple[str, int]] = []
    for gram, n in candidates:
        if any(gram in k for k, _ in kept):
            continue
        kept.append((gram, n))
        if len(kept) == top:
            break
    return kept


async def common_themes(scope: Scope, period: Period) -> list[tuple[str, int]]:
    query = scope.filter(Case.filter(created_at__gte=period.window[0], created_at__lt=period.window[1]))
    texts = await values(query.order_by("-id").limit(THEME_SCAN), "content")
    return themes(list(texts))


async def digest_line(paths: list[str] | None) -> str | None:
    """For administrators' weekly digest: overdue and escalated-but-open cases in the subtree."""
    where, params = subtree_sql(paths)
    overdue, overdue_params = overdue_sql("c.")
    rows = await fetch(
        f"SELECT COALESCE(SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END), 0) AS overdue, "
        "COALESCE(SUM(CASE WHEN c.escalated_at IS NOT NULL AND c.status <> 'closed' THEN 1 ELSE 0 END), 0) AS escalated "
        f'FROM "case" c JOIN organisation o ON o.id = c.org_id WHERE {where}',
        *overdue_params, *params,
    )
    late, up = int(rows[0]["overdue"]), int(rows[0]["escalated"])
    if not late and not up:
        return None
    return f"诉求：超时未答复 {late} 件，已上报未办结 {up} 件（/清单 查看）"
