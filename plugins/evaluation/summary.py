"""The per-cadre summary table (`cadre_summary`): measures' inputs for every cadre at once.

Rankings, /评估 of an organisation and the dashboard's overview and cadre list
read these rows instead of recounting a million contacts per request. The table
is rebuilt for every cadre by ONE set-based statement (INSERT ... SELECT with an
upsert) from the very query definitions the direct computation uses
(`inputs.sources` and `figure_sources` below), so both count alike:

- nightly (EVALUATION_SUMMARY_TIME);
- on the first read after EVALUATION_SUMMARY_MAX_AGE_MINUTES, or when a cadre has
  no row yet or a row's cadre is gone (a cadre added or removed);
- after an erasure (/退出 全部): the rows are dropped in the erasing transaction,
  so the next read recounts without that youth.

With it, in the same transaction: `org_youth_summary` (distinct youth per subtree) and
`org_month_summary` (exchanges, activities and new requests per subtree and past local
month, the overview's trends: counting 500,000 exchanges by month took 0.3-0.6 s of each
province overview on SQLite). Past months are read only while the rows were computed in
the current local month; the current month is always counted live.

Every row records when it was computed; pages and replies show 数据更新于 HH:MM.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import CadreSummary, Organisation, OrgMonthSummary, OrgYouthSummary
from plugins.contacts.config import settings as contacts_settings
from plugins.contacts.stats import CONFIRMED, OrgOverview, SubtreeYouth, below_target, shown_cadres
from plugins.core import clock, db, export_process, periods
from plugins.core.sql import execute, execute_many, fetch, subtree_sql
from plugins.evaluation.config import settings
from plugins.evaluation.formulas import Inputs
from plugins.evaluation.inputs import (
    CADRE_COLUMNS,
    SCOPE_JOIN,
    SUMMARY_COLUMNS,
    CadreRow,
    Scope,
    Source,
    cadre_row,
    cadre_rows,
    evaluated,
    grouped,
    inputs_of,
    sources,
    summed,
)
from plugins.identity.orgs import compute_target, raised_targets

EXCHANGE_DAYS = 30
PAST_MONTHS = 11
"""Months before the current one in the overview's trends (org_month_summary)."""

FIGURE_COLUMNS = {
    "overlap": [("overlap", "n")],
    "quarter_activities": [("calendar_activities", "quarter")],
    "face_to_face_this_year": [("calendar_activities", "f2f")],
    "exchanges_30": [("recent_exchanges", "n")],
}
COLUMNS = {**SUMMARY_COLUMNS, **FIGURE_COLUMNS}
"""Every summary column and the (source, column) pairs it adds up."""


def figure_sources() -> list[Source]:
    """The dashboard's per-cadre figures and the overlap count, as of the clock's now."""
    today = clock.today()
    q_start, _ = periods.quarter_bounds(today)
    y_start, _ = periods.year_bounds(today)
    return [
        Source(
            "overlap",
            # A contact also confirmed by CONTACTS_OVERLAP_CADRES other cadres (one link per
            # youth and cadre): the youth has more confirmed links than that.
            "SELECT l.cadre_id AS cadre_id, COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
            "JOIN (SELECT youth_id FROM contact_link WHERE status = 'confirmed' GROUP BY youth_id "
            "HAVING COUNT(*) > ?) m ON m.youth_id = l.youth_id "
            f"{SCOPE_JOIN.format(col='l.cadre_id')} WHERE {CONFIRMED} AND {{scope}} GROUP BY l.cadre_id",
            (contacts_settings().contacts_overlap_cadres,),
        ),
        Source(
            "calendar_activities",
            "SELECT a.cadre_id AS cadre_id, SUM(CASE WHEN a.day >= ? THEN 1 ELSE 0 END) AS quarter, "
            "SUM(CASE WHEN a.kind = 'face_to_face' THEN 1 ELSE 0 END) AS f2f FROM activity a "
            f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.credited = ? AND a.day >= ? AND a.day <= ? "
            "AND {scope} GROUP BY a.cadre_id",
            (q_start, True, y_start, today), ("quarter", "f2f"),
        ),
        Source(
            "recent_exchanges",
            "SELECT e.cadre_id AS cadre_id, COUNT(*) AS n FROM exchange e "
            f"{SCOPE_JOIN.format(col='e.cadre_id')} WHERE e.answered_at >= ? AND {{scope}} GROUP BY e.cadre_id",
            (clock.now() - timedelta(days=EXCHANGE_DAYS),),
        ),
    ]


def all_sources() -> list[Source]:
    return [*sources(settings()), *figure_sources()]


# ------------------------------------------------------------------ refreshing


_lock = asyncio.Lock()


_generation = 0
"""Bumped by `invalidate`: rows counted before an erasure are not written after it."""
COUNT_TRIES = 5


def _upsert(table: str, keys: list[str], columns: list[str]) -> str:
    names = [*keys, *columns, "computed_at"]
    return (f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in [*columns, "computed_at"]))


async def refresh() -> datetime:
    """Recompute every cadre's row, every subtree's youth and past months; drop what is left over.

    The counting reads on a connection of its own (export_process.Database: on SQLite in a thread,
    which lets go of the interpreter while SQLite steps) and the rows are written afterwards in one
    short transaction. Counted inside the bot's own transaction, the province's refresh held
    SQLite's only connection for 27.9 s, and every chat command that touched the database waited
    behind it (bench/dashboard.py 2026-11-30: /联系概况 p95 8.4 s, worst 27.8 s).

    An erasure in this process while counting (`invalidate`) makes it count again, up to
    COUNT_TRIES times (then the last count is written: counts, no personal data, recounted within
    EVALUATION_SUMMARY_MAX_AGE_MINUTES); one in another process sharing the database is not seen."""
    for _ in range(COUNT_TRIES):
        now = clock.now()
        generation = _generation
        cadres, youth, months = await _count()
        if generation == _generation:
            break
    names = list(COLUMNS)
    async with in_transaction() as conn:
        if cadres:
            await execute_many(_upsert("cadre_summary", ["cadre_id"], names),
                               [[int(v) for v in row] + [now] for row in cadres], conn=conn)
        await execute("DELETE FROM cadre_summary WHERE cadre_id NOT IN (SELECT id FROM cadre)", conn=conn)
        if youth:
            await execute_many(_upsert("org_youth_summary", ["org_id", "field_key"], ["youth", "overlap"]),
                               [[int(o), str(f), int(y), int(n), now] for o, f, y, n in youth], conn=conn)
        await execute("DELETE FROM org_youth_summary WHERE computed_at < ?", now, conn=conn)
        if months:
            await execute_many(
                _upsert("org_month_summary", ["org_id", "month"], ["exchanges", "activities", "requests"]),
                [[int(o), str(m), int(e), int(a), int(r), now] for o, m, e, a, r in months], conn=conn)
        await execute("DELETE FROM org_month_summary WHERE computed_at < ?", now, conn=conn)
    return now


async def _count() -> tuple[list, list, list]:
    """The rows `refresh` writes, without their time: per cadre (cadre_id and COLUMNS), per subtree
    and field (org, field, youth, overlap), per subtree and past month (org, month, e, a, r)."""
    everyone = Scope("1=1", ())
    joins, params = [], []
    for i, source in enumerate(all_sources()):
        joins.append(f"LEFT JOIN ({source.sql.format(scope=everyone.where)}) s{i} ON s{i}.cadre_id = c.id")
        params += source.params
    alias = {source.name: f"s{i}" for i, source in enumerate(all_sources())}
    values = [
        " + ".join(f"COALESCE({alias[name]}.{column}, 0)" for name, column in parts)
        for parts in COLUMNS.values()
    ]
    per_cadre = (f"SELECT c.id, {', '.join(values)} "
                 f"FROM cadre c JOIN organisation o ON o.id = c.org_id {' '.join(joins)}")
    youth_query, youth_params = _org_youth_query()
    months_query, months_params = _org_month_query()
    pairs = await _ancestor_pairs()
    async with export_process.Database.open(db.url(), str(clock.local_zone())) as raw:
        cadres = await raw.all(per_cadre, *params)
        # Each organisation with its ancestors, indexed (a VALUES list is scanned per row by SQLite);
        # the connection's own temporary table, gone when it closes.
        await raw.execute("CREATE TEMP TABLE org_ancestor (org_id INTEGER, ancestor_id INTEGER, "
                          "PRIMARY KEY (org_id, ancestor_id))")
        await raw.execute_many("INSERT INTO org_ancestor (org_id, ancestor_id) VALUES (?, ?)", pairs)
        youth = await raw.all(youth_query, *youth_params)
        months = await raw.all(months_query, *months_params)
    return cadres, youth, months


async def _ancestor_pairs() -> list[list[int]]:
    """(organisation, ancestor or itself) from the materialised paths."""
    pairs = []
    for org_id, path in await Organisation.all().values_list("id", "path"):
        pairs += [[int(org_id), int(a)] for a in str(path).split("/") if a]
    return pairs


def _org_youth_query() -> tuple[str, list]:
    """Distinct youth, overlap and fields for every organisation's subtree in one SELECT: each
    cadre's organisation joined to its ancestors (temporary table org_ancestor), grouped by
    ancestor and youth, then by ancestor and field."""
    return (
        "SELECT t.ancestor_id, COALESCE(t.field, ''), COUNT(*), SUM(CASE WHEN t.n >= ? THEN 1 ELSE 0 END) "
        "FROM (SELECT a.ancestor_id AS ancestor_id, y.id AS youth_id, y.field AS field, COUNT(*) AS n "
        "FROM contact_link l JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        "JOIN org_ancestor a ON a.org_id = c.org_id "
        f"WHERE {CONFIRMED} GROUP BY a.ancestor_id, y.id, y.field) t "
        "GROUP BY t.ancestor_id, COALESCE(t.field, '')",
        [contacts_settings().contacts_overlap_cadres],
    )


def _org_month_query() -> tuple[str, list]:
    """Exchanges, activities and new requests per organisation subtree and past local month, in one
    SELECT: per organisation and month (each row's month found by comparing it with the months'
    ends), then added up over org_ancestor."""
    firsts = periods.month_starts(PAST_MONTHS + 1)[:-1]
    keys = [d.strftime("%Y-%m") for d in firsts]
    day_ends = [periods.next_month(d) for d in firsts]
    instant_ends = [clock.local_datetime(d) for d in day_ends]
    parts, params = [], []
    for table, column, ends, start, org, index in (
        ("exchange t JOIN cadre c ON c.id = t.cadre_id", "t.answered_at", instant_ends,
         clock.local_datetime(firsts[0]), "c.org_id", 0),
        ("activity t JOIN cadre c ON c.id = t.cadre_id", "t.day", day_ends, firsts[0], "c.org_id", 1),
        ('"case" t', "t.created_at", instant_ends, clock.local_datetime(firsts[0]), "t.org_id", 2),
    ):
        month = "CASE " + " ".join(f"WHEN {column} < ? THEN '{key}'" for key in keys) + " END"
        counts = ", ".join(f"{'COUNT(*)' if i == index else '0'} AS {name}" for i, name in enumerate("ear"))
        parts.append(f"SELECT {org} AS org_id, {month} AS month, {counts} FROM {table} "
                     f"WHERE {column} >= ? AND {column} < ? GROUP BY 1, 2")
        params += [*ends, start, ends[-1]]
    # Every organisation gets a row (its oldest month, zeros added): the rows of this refresh are
    # there even for a subtree without any activity, which `org_months` checks.
    parts.append(f"SELECT id AS org_id, '{keys[0]}' AS month, 0 AS e, 0 AS a, 0 AS r FROM organisation")
    union = " UNION ALL ".join(parts)
    return (
        f"SELECT a.ancestor_id, t.month, SUM(t.e), SUM(t.a), SUM(t.r) FROM ({union}) t "
        "JOIN org_ancestor a ON a.org_id = t.org_id GROUP BY a.ancestor_id, t.month",
        params,
    )


@dataclass
class PastMonths:
    exchanges: list[int]
    activities: list[int]
    requests: list[int]


async def org_months(org_id: int, keys: list[str]) -> PastMonths | None:
    """The past months `keys` of one organisation's subtree from org_month_summary; None when
    the rows were not computed in the current local month (the caller counts them now)."""
    await ensure_fresh()
    computed = await computed_at()
    if computed is None or clock.to_local(computed).strftime("%Y-%m") != clock.today().strftime("%Y-%m"):
        return None
    rows = {
        r[0]: r[1:] for r in await OrgMonthSummary.filter(org_id=org_id, month__in=keys).values_list(
            "month", "exchanges", "activities", "requests", "computed_at")
    }
    if keys[0] not in rows or rows[keys[0]][3] < computed:
        return None  # not (yet) computed for this organisation: e.g. the table was just created
    found = [rows.get(k, (0, 0, 0)) for k in keys]
    return PastMonths(*([int(r[i]) for r in found] for i in range(3)))


async def subtree_youth(org_id: int) -> SubtreeYouth:
    """`stats.subtree_youth` of one organisation's subtree, from the summary."""
    await ensure_fresh()
    rows = await OrgYouthSummary.filter(org_id=org_id).values_list("field_key", "youth", "overlap")
    return SubtreeYouth(
        youth=sum(int(r[1]) for r in rows),
        overlap_youth=sum(int(r[2]) for r in rows),
        fields={(r[0] or None): int(r[1]) for r in rows},
    )


async def _subtree_root(paths: list[str] | None) -> Organisation | None:
    """The one organisation whose subtree `paths` is (None: everything, when one root holds it)."""
    if paths is None:
        roots = await Organisation.filter(parent_id=None).limit(2)
        return roots[0] if len(roots) == 1 else None
    if len(paths) != 1:
        return None
    return await Organisation.filter(path=paths[0]).first()


async def org_overview(paths: list[str] | None) -> OrgOverview | None:
    """`stats.org_overview` of one organisation's subtree from the summary (None for several:
    the caller counts them now). Registered with `stats.read_summaries_from` (setup.py)."""
    org = await _subtree_root(paths)
    if org is None:
        return None
    await ensure_fresh()
    where, params = subtree_sql([org.path])
    rows = await fetch(
        "SELECT c.id AS id, c.category AS category, o.path AS path, c.left_at AS left_at, "
        "COALESCE(s.confirmed, 0) AS confirmed FROM cadre c JOIN organisation o ON o.id = c.org_id "
        f"LEFT JOIN cadre_summary s ON s.cadre_id = c.id WHERE {where} ORDER BY c.id",
        *params,
    )
    raised = await raised_targets()
    active = [r for r in rows if r["left_at"] is None]
    below = below_target([
        (r["id"], int(r["confirmed"]), compute_target(r["category"], r["path"], raised)) for r in active
    ])
    shown = below[:10]
    cadres = await shown_cadres(shown)
    youth = await subtree_youth(org.id)
    return OrgOverview(
        cadres=len(active),
        at_target=len(active) - len(below),
        below=[(cadres[i], n, t) for i, n, t in shown if i in cadres],
        links=sum(int(r["confirmed"]) for r in rows),  # left cadres' too, as counted now
        youth=youth.youth,
        overlap_youth=youth.overlap_youth,
        fields=youth.fields,
        computed_at=await computed_at(),
    )


async def confirmed_by_cadre(paths: list[str] | None) -> tuple[dict[int, int], datetime | None]:
    """`stats.confirmed_by_cadre` from the summary."""
    await ensure_fresh()
    where, params = subtree_sql(paths)
    rows = await fetch(
        "SELECT s.cadre_id AS cadre_id, s.confirmed AS n FROM cadre_summary s JOIN cadre c ON c.id = s.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE s.confirmed > 0 AND {where}",
        *params,
    )
    return {int(r["cadre_id"]): int(r["n"]) for r in rows}, await computed_at()


async def _stale(ahead: timedelta = timedelta()) -> bool:
    rows = await fetch(
        "SELECT (SELECT COUNT(*) FROM cadre c WHERE NOT EXISTS "
        "(SELECT 1 FROM cadre_summary s WHERE s.cadre_id = c.id)) AS missing, "
        "(SELECT COUNT(*) FROM cadre_summary s WHERE NOT EXISTS "
        "(SELECT 1 FROM cadre c WHERE c.id = s.cadre_id)) AS orphans, "
        "(SELECT COUNT(*) FROM (SELECT 1 FROM org_month_summary LIMIT 1) m) AS months"
    )
    if int(rows[0]["missing"] or 0) or int(rows[0]["orphans"] or 0):
        return True
    oldest = await computed_at()
    if oldest is None:
        return False  # no cadres at all
    if not int(rows[0]["months"] or 0):
        return True  # org_month_summary empty (just created by a migration): every refresh fills it
    age = clock.now() - oldest
    if age < -timedelta(minutes=1):
        return True  # computed "later than now": the clock was set back, and the rows would not age
    return age >= timedelta(minutes=settings().evaluation_summary_max_age_minutes) - ahead


REFRESH_AHEAD = timedelta(minutes=10)
"""The scheduler's check (every 5 minutes) refreshes rows this much before they are too old, so a
reader does not wait for the recount (27 s for the province on SQLite, 17-19 s on PostgreSQL)."""


async def ensure_fresh(ahead: timedelta = timedelta()) -> None:
    """Refresh first when the rows are missing, incomplete or too old (or will be within `ahead`).
    Not in a worker process (plugins/core/export_process.py): the bot checked before it sent the
    page there, and two processes must not rebuild at once (nor would this module's lock serve two
    event loops)."""
    if export_process.in_worker() or not await _stale(ahead):
        return
    async with _lock:
        if await _stale(ahead):  # another request may have refreshed meanwhile
            await refresh()


async def recount() -> None:
    """The daily recount (EVALUATION_SUMMARY_TIME), under `ensure_fresh`'s lock: a recount already
    under way (a page that found the rows stale, or the scheduler's lead) is waited for and is
    enough. Called with `refresh` directly, the catch-up after start-up counted beside it: two
    counts at once on SQLite while the dashboard was busy (bench/dashboard.py, 2026-11-30)."""
    before = await computed_at()
    async with _lock:
        after = await computed_at()
        if after is not None and after != before:
            return  # a recount finished while this waited
        await refresh()


async def refresh_ahead() -> None:
    """The scheduler's check: `ensure_fresh` REFRESH_AHEAD before the rows are too old."""
    await ensure_fresh(REFRESH_AHEAD)


async def computed_at() -> datetime | None:
    """When the oldest row was computed (what pages show as 数据更新于)."""
    first = await CadreSummary.all().order_by("computed_at").first()
    return first.computed_at if first is not None else None


async def invalidate(qq: int | None = None, youth_id: int | None = None) -> bool:
    """Drop every row (after an erasure): the next read recounts. Stores nothing personal."""
    global _generation
    _generation += 1
    await CadreSummary.all().delete()
    await OrgYouthSummary.all().delete()
    await OrgMonthSummary.all().delete()
    return False


def updated_label(at: datetime | None) -> str:
    return f"数据更新于 {clock.fmt_local(at, '%H:%M')}" if at else ""


# ------------------------------------------------------------------ reading


async def values(scope: Scope) -> dict[int, dict[str, int]]:
    """Every summary column per cadre in scope (after `ensure_fresh`)."""
    await ensure_fresh()
    names = list(COLUMNS)
    rows = await fetch(
        f"SELECT c.id AS cadre_id, {', '.join('s.' + n + ' AS ' + n for n in names)} "
        "FROM cadre c JOIN organisation o ON o.id = c.org_id JOIN cadre_summary s ON s.cadre_id = c.id "
        f"WHERE {scope.where}",
        *scope.params,
    )
    return {r["cadre_id"]: {n: int(r[n] or 0) for n in names} for r in rows}


async def direct_values(scope: Scope) -> dict[int, dict[str, int]]:
    """The same columns computed now from the raw rows (for one cadre, and for tests)."""
    cadres = await cadre_rows(scope)
    found = {s.name: await grouped(s, scope) for s in all_sources()}
    return {r.id: {n: summed(found, r.id, parts) for n, parts in COLUMNS.items()} for r in cadres}


async def load(scope: Scope) -> tuple[list[CadreRow], dict[int, Inputs]]:
    """Like `inputs.load`, from the summary rows: one query for the cadres and their rows (two
    queries and a dict per row took 0.3 of the province ranking's 0.6 s on SQLite)."""
    await ensure_fresh()
    where, params = evaluated(scope)
    names = list(SUMMARY_COLUMNS)
    rows = await fetch(
        f"SELECT {CADRE_COLUMNS}, {', '.join(f'COALESCE(s.{n}, 0) AS {n}' for n in names)} "
        "FROM cadre c JOIN organisation o ON o.id = c.org_id LEFT JOIN cadre_summary s ON s.cadre_id = c.id "
        f"WHERE {where} ORDER BY c.id",
        *params,
    )
    raised = await raised_targets()
    cadres = [cadre_row(r) for r in rows]
    return cadres, {
        c.id: inputs_of(r, compute_target(c.category, c.path, raised)) for c, r in zip(cadres, rows, strict=True)
    }
