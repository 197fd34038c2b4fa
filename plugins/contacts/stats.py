"""Contact counts, computed in SQL: confirmed vs target, reachable, fields, overlap, trend.

Confirmed contacts are links a youth confirmed; a youth counts once per cadre
(one link per pair) and cadres, administrators and bot accounts never count.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Cadre, ContactSnapshot
from models.enums import Field
from plugins.contacts.config import settings
from plugins.core import clock
from plugins.core.sql import dialect, fetch, in_list, scalar, subtree_sql
from plugins.identity.orgs import compute_target, raised_targets


# A youth row that may be counted: not a cadre, an administrator or a bot.
# Measured with bench/evaluation.py (400,000 youth, 1,000,000 contacts):
# PostgreSQL plans NOT EXISTS as an indexed anti-join (1 ms for one cadre, 70 ms
# with NOT IN); SQLite builds NOT IN's list once (province ranking 3 s, 5 s
# with NOT EXISTS). So the fragment depends on the dialect of the moment.
def not_staff(column: str) -> str:
    if dialect() == "postgres":
        return (
            f"NOT EXISTS (SELECT 1 FROM cadre sx WHERE sx.qq = {column}) "
            f"AND NOT EXISTS (SELECT 1 FROM admin ax WHERE ax.qq = {column}) "
            f"AND NOT EXISTS (SELECT 1 FROM bot_account bx WHERE bx.self_id = {column})"
        )
    return (
        f"{column} NOT IN (SELECT qq FROM cadre) AND {column} NOT IN (SELECT qq FROM admin) "
        f"AND {column} NOT IN (SELECT self_id FROM bot_account)"
    )


class _Fragment:
    """SQL worked out when it is formatted into a query (the dialect is known then)."""

    def __init__(self, build) -> None:
        self.build = build

    def __format__(self, spec: str) -> str:
        return self.build()

    def __str__(self) -> str:
        return self.build()


COUNTED = _Fragment(lambda: not_staff("y.qq"))
CONFIRMED = _Fragment(lambda: f"l.status = 'confirmed' AND {not_staff('y.qq')}")


@dataclass
class CadreContacts:
    confirmed: int
    target: int
    reachable: int
    groups: int
    fields: dict[str | None, int]
    overlap: int
    trend: list[tuple[str, int]] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.target - self.confirmed)

    @property
    def dominant_field(self) -> tuple[str, float] | None:
        """The field holding more than the flag share of contacts with a known field."""
        known = {k: v for k, v in self.fields.items() if k}
        total = sum(known.values())
        if total < settings().contacts_field_flag_min:
            return None
        top, n = max(known.items(), key=lambda kv: kv[1])
        share = n / total
        return (top, share) if share > settings().contacts_field_flag_share else None


async def confirmed_count(cadre_id: int) -> int:
    return int(
        await scalar(
            "SELECT COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
            f"WHERE l.cadre_id = ? AND {CONFIRMED}",
            cadre_id,
        )
        or 0
    )


async def confirmed_counts(cadre_ids: list[int] | None = None) -> dict[int, int]:
    """Confirmed contacts per cadre (all cadres when None), one GROUP BY."""
    where, params = ("1=1", [])
    if cadre_ids is not None:
        where, params = f"l.cadre_id IN ({in_list(cadre_ids)})", list(cadre_ids)
    rows = await fetch(
        "SELECT l.cadre_id AS cadre_id, COUNT(*) AS n FROM contact_link l "
        f"JOIN youth y ON y.id = l.youth_id WHERE {where} AND {CONFIRMED} GROUP BY l.cadre_id",
        *params,
    )
    return {r["cadre_id"]: r["n"] for r in rows}


async def cadre_contacts(cadre: Cadre, target: int) -> CadreContacts:
    confirmed = await confirmed_count(cadre.id)
    reach = await fetch(
        "SELECT COUNT(DISTINCT m.qq) AS people, COUNT(DISTINCT g.group_id) AS groups "
        "FROM bound_group g LEFT JOIN group_member m ON m.group_id = g.group_id "
        f"AND {not_staff('m.qq')} WHERE g.cadre_id = ?",
        cadre.id,
    )
    rows = await fetch(
        "SELECT y.field AS field, COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED} GROUP BY y.field",
        cadre.id,
    )
    overlap = await scalar(
        "SELECT COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED} AND (SELECT COUNT(*) FROM contact_link l2 "
        "WHERE l2.youth_id = l.youth_id AND l2.status = 'confirmed' AND l2.cadre_id <> l.cadre_id) >= ?",
        cadre.id,
        settings().contacts_overlap_cadres,
    )
    snapshots = await ContactSnapshot.filter(cadre_id=cadre.id).order_by("-month").limit(12)
    month = clock.to_local(clock.now()).strftime("%Y-%m")
    trend = [(s.month, s.confirmed) for s in reversed(snapshots) if s.month != month]
    trend.append((month, confirmed))
    return CadreContacts(
        confirmed=confirmed,
        target=target,
        reachable=int(reach[0]["people"] or 0),
        groups=int(reach[0]["groups"] or 0),
        fields={r["field"]: r["n"] for r in rows},
        overlap=int(overlap or 0),
        trend=trend[-12:],
    )


@dataclass
class OrgOverview:
    cadres: int
    at_target: int
    below: list[tuple[Cadre, int, int]]  # cadre, confirmed, target — largest gap first
    links: int
    youth: int
    overlap_youth: int
    fields: dict[str | None, int]
    computed_at: datetime | None = None
    """When the figures were counted, if they come from the summary tables (None: just now)."""

    def thin_fields(self) -> list[tuple[str, float]]:
        total = sum(self.fields.values())
        if not total:
            return []
        return [
            (f.value, self.fields.get(f.value, 0) / total)
            for f in Field
            if f != Field.other and self.fields.get(f.value, 0) / total < settings().contacts_thin_field_share
        ]


@dataclass
class SummaryReaders:
    """Where the lists of many cadres read their counts first: the evaluation plugin's summary
    tables (plugins/evaluation/summary.py), which depend on this module and so register here.
    Counted now, the province's (10,000 cadres, 1,000,000 contacts, bench/dashboard.py on SQLite)
    took 47 s for /联系概况 and 3.9 s for /团干部 列表."""

    overview: Callable[[list[str] | None], Awaitable[OrgOverview | None]]
    """One subtree's overview (None for several: counted now)."""
    confirmed: Callable[[list[str] | None], Awaitable[tuple[dict[int, int], datetime | None]]]
    """Confirmed contacts per cadre under the paths, and when they were counted."""


_summaries: SummaryReaders | None = None


def read_summaries_from(readers: SummaryReaders | None) -> None:
    global _summaries
    _summaries = readers


async def org_overview(paths: list[str] | None) -> OrgOverview:
    """Contacts across the organisations under `paths` (None: everything): from the summary
    tables where they have it (one organisation's subtree), else counted now."""
    if _summaries is not None:
        found = await _summaries.overview(paths)
        if found is not None:
            return found
    return await direct_org_overview(paths)


async def confirmed_by_cadre(paths: list[str] | None) -> tuple[dict[int, int], datetime | None]:
    """Confirmed contacts per cadre (at least those under `paths`; cadres without any left out),
    and when they were counted (None: just now)."""
    if _summaries is not None:
        return await _summaries.confirmed(paths)
    return await confirmed_counts(), None  # every cadre's: callers look up theirs


def below_target(rows: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(cadre, confirmed, target) of those below target, largest gap first (then by cadre)."""
    below = [r for r in rows if r[1] < r[2]]
    below.sort(key=lambda t: (t[1] - t[2], t[0]))
    return below


async def direct_org_overview(paths: list[str] | None) -> OrgOverview:
    """`org_overview` counted now from the raw rows."""
    where, params = subtree_sql(paths)
    cadre_rows = await fetch(
        "SELECT c.id AS id, c.category AS category, o.path AS path FROM cadre c "
        f"JOIN organisation o ON o.id = c.org_id WHERE c.left_at IS NULL AND {where}",
        *params,
    )
    counts = await fetch(
        "SELECT l.cadre_id AS cadre_id, COUNT(*) AS n FROM contact_link l "
        "JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE c.left_at IS NULL AND {where} AND {CONFIRMED} GROUP BY l.cadre_id",
        *params,
    )
    by_cadre = {r["cadre_id"]: r["n"] for r in counts}
    targets = await _targets(cadre_rows)
    below_ids = below_target([(r["id"], by_cadre.get(r["id"], 0), targets[r["id"]]) for r in cadre_rows])
    shown = below_ids[:10]
    cadres = await shown_cadres(shown)
    totals = await fetch(
        "SELECT COUNT(*) AS links, COUNT(DISTINCT l.youth_id) AS youth FROM contact_link l "
        "JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE {where} AND {CONFIRMED}",
        *params,
    )
    overlap = await scalar(
        "SELECT COUNT(*) AS n FROM (SELECT l.youth_id FROM contact_link l "
        "JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE {where} AND {CONFIRMED} "
        "GROUP BY l.youth_id HAVING COUNT(*) >= ?) t",
        *params,
        settings().contacts_overlap_cadres,
    )
    fields = await fetch(
        "SELECT y.field AS field, COUNT(DISTINCT y.id) AS n FROM contact_link l "
        "JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE {where} AND {CONFIRMED} GROUP BY y.field",
        *params,
    )
    return OrgOverview(
        cadres=len(cadre_rows),
        at_target=len(cadre_rows) - len(below_ids),
        below=[(cadres[i], n, t) for i, n, t in shown if i in cadres],
        links=int(totals[0]["links"] or 0),
        youth=int(totals[0]["youth"] or 0),
        overlap_youth=int(overlap or 0),
        fields={r["field"]: r["n"] for r in fields},
    )


@dataclass
class SubtreeYouth:
    youth: int
    overlap_youth: int
    fields: dict[str | None, int]


async def subtree_youth(paths: list[str] | None) -> SubtreeYouth:
    """Distinct confirmed youth under `paths`, those confirmed by CONTACTS_OVERLAP_CADRES cadres
    or more there, and youth by field: the same figures as `org_overview`, in one pass."""
    where, params = subtree_sql(paths)
    rows = await fetch(
        "SELECT t.field AS field, COUNT(*) AS youth, SUM(CASE WHEN t.n >= ? THEN 1 ELSE 0 END) AS overlap "
        "FROM (SELECT y.id AS id, y.field AS field, COUNT(*) AS n FROM contact_link l "
        "JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE {where} AND {CONFIRMED} GROUP BY y.id, y.field) t "
        "GROUP BY t.field",
        settings().contacts_overlap_cadres, *params,
    )
    return SubtreeYouth(
        youth=sum(int(r["youth"] or 0) for r in rows),
        overlap_youth=sum(int(r["overlap"] or 0) for r in rows),
        fields={r["field"]: int(r["youth"] or 0) for r in rows},
    )


async def shown_cadres(shown: list[tuple[int, int, int]]) -> dict[int, Cadre]:
    return {c.id: c for c in await Cadre.filter(id__in=[t[0] for t in shown]).prefetch_related("org")}


async def _targets(cadre_rows: list[dict]) -> dict[int, int]:
    """Each cadre's target without a query per cadre."""
    raised = await raised_targets()
    return {r["id"]: compute_target(r["category"], r["path"], raised) for r in cadre_rows}


async def snapshot_month() -> int:
    """Store this month's confirmed count per cadre (the anonymous trend); idempotent."""
    month = clock.to_local(clock.now()).strftime("%Y-%m")
    counts = await confirmed_counts()
    now = clock.now()
    try:
        async with in_transaction():
            await ContactSnapshot.filter(month=month).delete()
            await ContactSnapshot.bulk_create(
                [ContactSnapshot(cadre_id=c, month=month, confirmed=n, updated_at=now) for c, n in counts.items()],
                batch_size=500,
            )
    except IntegrityError:
        pass  # another bot process wrote the same snapshot at the same moment
    return len(counts)
