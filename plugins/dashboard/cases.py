"""The problem list (cases) as the dashboard reads it.

Labels, the first-answer service level and who may see a case or the youth's
identity come from the requests plugin, so chat and web always agree.
"""

from dataclasses import dataclass, field

from tortoise.expressions import Q

from models import Case, CaseEvent
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.periods import Period
from plugins.core.sql import fetch, subtree_sql, values
from plugins.identity.orgs import subtree_q
from plugins.requests.access import can_see_identity, can_view
from plugins.requests.problems import Counts, cases_in_order, overdue_sql
from plugins.requests.sla import first_answer_seconds, is_overdue
from plugins.requests.texts import CATEGORY_LABELS, EVENT_LABELS, STATUS_LABELS, category_label

# Re-exported for the dashboard's pages: one source for chat and web.
__all__ = [
    "CATEGORY_LABELS", "EVENT_LABELS", "STATUS_FILTERS", "can_see_identity", "can_view",
    "category_label", "first_answer_seconds", "is_overdue", "overdue_condition", "scope_q", "status_label",
]

STATUS_FILTERS = {**STATUS_LABELS, "pending": "未办结", "overdue": "超时未答复"}


def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)


def overdue_condition(prefix: str) -> tuple[str, list]:
    """SQL for "no first answer within the service level", as the requests plugin defines it."""
    return overdue_sql(prefix)


def scope_q(actor: Actor) -> Q | None:
    """Cases an actor may see: their subtree's as administrator, their own as cadre (None: all)."""
    if actor.superuser:
        return None
    conds = []
    if actor.admin_orgs:
        conds.append(subtree_q(actor.subtree_roots(), "org__path"))
    if actor.cadre is not None:
        conds.append(Q(cadre_id=actor.cadre.id))
    if not conds:
        return Q(id__in=[])
    cond = conds[0]
    for more in conds[1:]:
        cond |= more
    return cond


# ------------------------------------------------------------------ the list


@dataclass
class CaseFilter:
    period: Period
    period_key: str = "quarter"
    """How the period is named in the URL (relative keys stay relative)."""
    category: str = ""
    status: str = ""
    escalated: str = ""  # "" | "yes" | "no"
    cadre_id: int | None = None


@dataclass
class CaseList:
    cases: list[Case]
    total: int
    by_category: dict[str, Counts] = field(default_factory=dict)
    overdue_ids: set[int] = field(default_factory=set)


def _filtered(actor: Actor, f: CaseFilter):
    query = Case.all()
    scope = scope_q(actor)
    if scope is not None:
        query = query.filter(scope)
    if f.period.start is not None:
        query = query.filter(created_at__gte=f.period.start, created_at__lt=f.period.end)
    if f.category:
        query = query.filter(category=f.category)
    if f.cadre_id is not None:
        query = query.filter(cadre_id=f.cadre_id)
    if f.escalated == "yes":
        query = query.filter(escalated_at__isnull=False)
    elif f.escalated == "no":
        query = query.filter(escalated_at__isnull=True)
    if f.status == "pending":
        query = query.exclude(status="closed")
    elif f.status:
        query = query.filter(status=f.status)
    return query


def scope_sql(actor: Actor) -> tuple[str, list]:
    """`scope_q` as SQL over `"case" c JOIN organisation o`."""
    if actor.superuser:
        return "1=1", []
    parts, params = [], []
    if actor.admin_orgs:
        where, more = subtree_sql([o.path for o in actor.subtree_roots() or []], "o.path")
        parts.append(where)
        params += more
    if actor.cadre is not None:
        parts.append("c.cadre_id = ?")
        params.append(actor.cadre.id)
    if not parts:
        return "1=0", []
    return "(" + " OR ".join(parts) + ")", params


def _where(actor: Actor, f: CaseFilter) -> tuple[str, list]:
    where, params = scope_sql(actor)
    if f.period.start is not None:
        where += " AND c.created_at >= ? AND c.created_at < ?"
        params += [f.period.start, f.period.end]
    if f.cadre_id is not None:
        where += " AND c.cadre_id = ?"
        params.append(f.cadre_id)
    return where, params


async def _overdue_ids(actor: Actor, f: CaseFilter) -> list[int]:
    """The overdue cases' numbers (f.status == "overdue"), as the download selects them."""
    where, params, order = download_where(actor, f)
    rows = await fetch(
        f'SELECT c.id AS id FROM "case" c JOIN organisation o ON o.id = c.org_id WHERE {where} ORDER BY {order}',
        *params,
    )
    return [r["id"] for r in rows]


async def case_list(actor: Actor, f: CaseFilter, limit: int) -> CaseList:
    """The cases an actor may see, filtered; newest first, at most `limit`."""
    by_category = await category_counts(actor, f)
    if f.status == "overdue":
        ids = await _overdue_ids(actor, f)
        total = len(ids)
        query = Case.filter(id__in=ids[:limit])
    else:
        query = _filtered(actor, f)
        # The summary counts the same cases when nothing but the period and scope narrows the list:
        # one scan of the period's cases instead of two (0.5–1 s each for the province on SQLite).
        narrowed = f.category or f.status or f.escalated
        total = await query.count() if narrowed else sum(n.total for n in by_category.values())
    # The numbers first (an index holds urgent beside the period and organisation), then those
    # cases: sorting every case of the province's year with all its columns took 0.5-0.6 s on SQLite.
    found = await cases_in_order(await values(query.order_by("-urgent", "-id").limit(limit), "id"))
    now = clock.now()
    return CaseList(found, total, by_category, {c.id for c in found if is_overdue(c, now)})


def download_where(actor: Actor, f: CaseFilter) -> tuple[str, list, str]:
    """Every filter of the list as SQL over `"case" c JOIN organisation o`, and its ORDER BY (as
    `case_list` orders the page): the download is read by a worker process with raw SQL."""
    where, params = _where(actor, f)
    if f.category:
        where += " AND c.category = ?"
        params.append(f.category)
    if f.escalated:
        where += f" AND c.escalated_at IS {'NOT ' if f.escalated == 'yes' else ''}NULL"
    if f.status == "overdue":
        overdue_sql, overdue_params = overdue_condition("c.")
        return f"{where} AND {overdue_sql}", params + overdue_params, "c.id DESC"
    if f.status == "pending":
        where += " AND c.status <> 'closed'"
    elif f.status:
        where += " AND c.status = ?"
        params.append(f.status)
    return where, params, "c.urgent DESC, c.id DESC"


async def id_range(where: str, params: list) -> tuple[int, int, int]:
    """The lowest and highest case number `download_where` selects, and how many (0, 0, 0: none)."""
    rows = await fetch(f'SELECT MIN(c.id) AS low, MAX(c.id) AS high, COUNT(*) AS n FROM "case" c '
                       f"JOIN organisation o ON o.id = c.org_id WHERE {where}", *params)
    return (0, 0, 0) if not rows or rows[0]["low"] is None else (rows[0]["low"], rows[0]["high"], rows[0]["n"])


def download_halves(order: str, middle: int) -> list[list[tuple[str, list]]]:
    """`download_where`'s rows cut in two at case `middle`, each half as conditions to add to its
    where, each condition's rows in case-number order (newest first): in `order`, every row of a
    condition comes before every row of the next (urgent cases are all first)."""
    if order == "c.id DESC":
        return [[(" AND c.id > ?", [middle])], [(" AND c.id <= ?", [middle])]]
    return [[(" AND c.urgent", []), (" AND NOT c.urgent AND c.id > ?", [middle])],
            [(" AND NOT c.urgent AND c.id <= ?", [middle])]]


async def category_counts(actor: Actor, f: CaseFilter) -> dict[str, Counts]:
    """Per category for the period and scope (the other filters do not narrow the summary)."""
    overdue_sql, overdue_params = overdue_condition("c.")
    where, params = _where(actor, f)
    rows = await fetch(
        "SELECT c.category AS category, COUNT(*) AS total, "
        "SUM(CASE WHEN c.status <> 'closed' THEN 1 ELSE 0 END) AS pending, "
        f"SUM(CASE WHEN {overdue_sql} THEN 1 ELSE 0 END) AS overdue, "
        "SUM(CASE WHEN c.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated, "
        "SUM(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) AS closed, "
        "COUNT(c.rating) AS rated, COALESCE(SUM(c.rating), 0) AS rating_sum "
        'FROM "case" c JOIN organisation o ON o.id = c.org_id '
        f"WHERE {where} GROUP BY c.category",
        *overdue_params, *params,
    )
    counts: dict[str, Counts] = {key: Counts() for key in CATEGORY_LABELS}
    for r in rows:
        counts[r["category"]] = Counts.of_row(r)
    return counts


def handler_name(case: Case) -> str:
    """Who follows the case up: the cadre's real name, or the organisation's administrators."""
    if case.cadre_id is not None and case.cadre is not None:
        return f"共青团{case.cadre.org.name}{case.cadre.name}"
    return f"共青团{case.org.name}管理员"


async def events_of(case: Case, limit: int = 200) -> list[CaseEvent]:
    return await CaseEvent.filter(case_id=case.id).order_by("id").limit(limit)
