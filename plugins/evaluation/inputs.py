"""The measures' inputs for many cadres at once: one GROUP BY per input, no loops over rows.

`scope` is a WHERE fragment over `c` (cadre) and `o` (organisation) with its
parameters, e.g. a subtree (sql.subtree_sql) or a single cadre id.
"""

from dataclasses import dataclass
from datetime import timedelta

from plugins.contacts.stats import CONFIRMED
from plugins.core import clock, periods
from plugins.core.sql import epoch, fetch, subtree_sql
from plugins.evaluation.config import Config
from plugins.evaluation.formulas import Inputs
from plugins.identity.orgs import compute_target, raised_targets

SCOPE_JOIN = "JOIN cadre c ON c.id = {col} JOIN organisation o ON o.id = c.org_id"


@dataclass
class CadreRow:
    id: int
    qq: int
    name: str
    category: str
    org_id: int
    org_name: str
    path: str


@dataclass(frozen=True)
class Scope:
    where: str
    params: tuple

    @classmethod
    def subtree(cls, paths: list[str] | None) -> "Scope":
        where, params = subtree_sql(paths)
        return cls(where, tuple(params))

    @classmethod
    def cadre(cls, cadre_id: int) -> "Scope":
        return cls("c.id = ?", (cadre_id,))


@dataclass(frozen=True)
class Source:
    """One per-cadre input: a grouped query yielding `cadre_id` and its value columns.

    `sql` holds `{scope}` for the cadres it covers; `params` come before the scope's.
    The same definitions give the direct computation (`load`) and the summary table
    (plugins/evaluation/summary.py), so both always count alike."""

    name: str
    sql: str
    params: tuple
    columns: tuple[str, ...] = ("n",)


def sources(c: Config) -> list[Source]:
    """The measures' inputs, as of the clock's now."""
    now = clock.now()
    today = clock.today()
    since = now - timedelta(days=c.evaluation_activeness_days)
    since_day = today - timedelta(days=c.evaluation_activeness_days)
    year_ago = now - timedelta(days=365)
    answered_in = f"({epoch('k.first_answer_at')} - {epoch('k.created_at')} - k.paused_seconds)"
    return [
        Source(
            "confirmed",
            "SELECT l.cadre_id AS cadre_id, COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
            f"{SCOPE_JOIN.format(col='l.cadre_id')} WHERE {CONFIRMED} AND {{scope}} GROUP BY l.cadre_id",
            (),
        ),
        Source(
            "spot",
            "SELECT q.cadre_id AS cadre_id, COUNT(q.answer) AS answered, "
            "SUM(CASE WHEN q.answer = 'yes' THEN 1 ELSE 0 END) AS yes FROM spot_check_question q "
            f"{SCOPE_JOIN.format(col='q.cadre_id')} WHERE q.answered_at >= ? AND {{scope}} GROUP BY q.cadre_id",
            (year_ago,), ("answered", "yes"),
        ),
        Source(
            "topics",
            "SELECT t.cadre_id AS cadre_id, COUNT(*) AS n FROM topic t "
            f"{SCOPE_JOIN.format(col='t.cadre_id')} WHERE t.created_at >= ? AND EXISTS "
            "(SELECT 1 FROM topic_reply r WHERE r.topic_id = t.id AND r.is_cadre = ?) AND {scope} GROUP BY t.cadre_id",
            (since, False),
        ),
        Source(
            "exchanges",
            "SELECT e.cadre_id AS cadre_id, COUNT(*) AS n FROM exchange e "
            f"{SCOPE_JOIN.format(col='e.cadre_id')} WHERE e.answered_at >= ? AND {{scope}} GROUP BY e.cadre_id",
            (since,),
        ),
        Source(
            "check_ins",
            "SELECT a.cadre_id AS cadre_id, COUNT(*) AS n FROM check_in ci JOIN activity a ON a.id = ci.activity_id "
            f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.day >= ? AND a.day <= ? AND {{scope}} GROUP BY a.cadre_id",
            (since_day, today),
        ),
        Source(
            "requests",
            "SELECT k.cadre_id AS cadre_id, COUNT(*) AS received, "
            f"SUM(CASE WHEN k.first_answer_at IS NOT NULL AND {answered_in} <= ? THEN 1 ELSE 0 END) AS on_time "
            f'FROM "case" k {SCOPE_JOIN.format(col="k.cadre_id")} WHERE k.created_at >= ? AND {{scope}} '
            "GROUP BY k.cadre_id",
            (c.evaluation_request_hours * 3600, since), ("received", "on_time"),
        ),
        Source(
            "activities",
            "SELECT a.cadre_id AS cadre_id, COUNT(*) AS n, "
            "SUM(CASE WHEN a.kind = 'face_to_face' THEN 1 ELSE 0 END) AS f2f FROM activity a "
            f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.credited = ? AND a.day >= ? AND a.day <= ? AND {{scope}} "
            "GROUP BY a.cadre_id",
            (True, today - timedelta(days=365), today), ("f2f",),
        ),
        Source(
            "recent_activity",
            "SELECT a.cadre_id AS cadre_id, COUNT(*) AS n FROM activity a "
            f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.credited = ? AND a.day >= ? AND a.day <= ? AND {{scope}} "
            "GROUP BY a.cadre_id",
            (True, since_day, today),
        ),
        Source(
            "case_ratings",
            'SELECT k.cadre_id AS cadre_id, COUNT(k.rating) AS n, COALESCE(SUM(k.rating), 0) AS total FROM "case" k '
            f"{SCOPE_JOIN.format(col='k.cadre_id')} WHERE k.rated_at >= ? AND {{scope}} GROUP BY k.cadre_id",
            (year_ago,), ("n", "total"),
        ),
        Source(
            "survey_ratings",
            "SELECT s.cadre_id AS cadre_id, COUNT(s.rating) AS n, COALESCE(SUM(s.rating), 0) AS total "
            f"FROM survey_question s {SCOPE_JOIN.format(col='s.cadre_id')} WHERE s.answered_at >= ? AND {{scope}} "
            "GROUP BY s.cadre_id",
            (year_ago,), ("n", "total"),
        ),
    ]


def summed(found: dict[str, dict[int, dict]], cadre_id: int, parts: list[tuple[str, str]]) -> int:
    """One summary column for one cadre: the sum of its (source, column) parts, 0 where the
    source has no row for the cadre."""
    total = 0
    for name, column in parts:
        row = found[name].get(cadre_id)
        total += int(row[column] or 0) if row else 0
    return total


async def grouped(source: Source, scope: Scope) -> dict[int, dict]:
    rows = await fetch(source.sql.format(scope=scope.where), *source.params, *scope.params)
    return {r["cadre_id"]: r for r in rows}


CADRE_COLUMNS = (
    "c.id AS id, c.qq AS qq, c.name AS name, c.category AS category, "
    "o.id AS org_id, o.name AS org_name, o.path AS path"
)
"""A CadreRow's columns (from cadre c JOIN organisation o)."""


def evaluated(scope: Scope) -> tuple[str, list]:
    """WHERE for the cadres evaluated now: in office, or left during this quarter (they leave
    the evaluation from the next quarter on; earlier confirmed snapshots stay as they were)."""
    quarter = clock.local_datetime(periods.quarter_bounds(clock.today())[0])
    return f"(c.left_at IS NULL OR c.left_at >= ?) AND {scope.where}", [quarter, *scope.params]


def cadre_row(r: dict) -> CadreRow:
    return CadreRow(r["id"], r["qq"], r["name"], r["category"], r["org_id"], r["org_name"], r["path"])


async def cadre_rows(scope: Scope) -> list[CadreRow]:
    """The cadres evaluated now (`evaluated`), by number."""
    where, params = evaluated(scope)
    return [
        cadre_row(r)
        for r in await fetch(
            f"SELECT {CADRE_COLUMNS} FROM cadre c JOIN organisation o ON o.id = c.org_id WHERE {where} ORDER BY c.id",
            *params,
        )
    ]


def inputs_of(values: dict[str, int], target: int) -> Inputs:
    """Inputs from the per-cadre values as the summary table names them."""
    return Inputs(
        confirmed=values["confirmed"],
        target=target,
        spot_yes=values["spot_yes"],
        spot_answered=values["spot_answered"],
        topics_answered=values["topics_answered"],
        exchanges=values["exchanges"],
        check_ins=values["check_ins"],
        requests_received=values["requests_received"],
        requests_on_time=values["requests_on_time"],
        activity_held=values["recent_activities"] > 0,
        face_to_face_held=values["face_to_face_year"] > 0,
        ratings=values["ratings"],
        rating_sum=values["rating_sum"],
    )


SUMMARY_COLUMNS = {
    # summary column: (source, its column) — ratings add the two rating sources
    "confirmed": [("confirmed", "n")],
    "spot_yes": [("spot", "yes")],
    "spot_answered": [("spot", "answered")],
    "topics_answered": [("topics", "n")],
    "exchanges": [("exchanges", "n")],
    "check_ins": [("check_ins", "n")],
    "requests_received": [("requests", "received")],
    "requests_on_time": [("requests", "on_time")],
    "recent_activities": [("recent_activity", "n")],
    "face_to_face_year": [("activities", "f2f")],
    "ratings": [("case_ratings", "n"), ("survey_ratings", "n")],
    "rating_sum": [("case_ratings", "total"), ("survey_ratings", "total")],
}


async def load(scope: Scope, c: Config) -> tuple[list[CadreRow], dict[int, Inputs]]:
    """Computed directly from the raw rows (one GROUP BY per input)."""
    cadres = await cadre_rows(scope)
    if not cadres:
        return [], {}
    found = {s.name: await grouped(s, scope) for s in sources(c)}
    raised = await raised_targets()
    inputs = {
        r.id: inputs_of(
            {column: summed(found, r.id, parts) for column, parts in SUMMARY_COLUMNS.items()},
            compute_target(r.category, r.path, raised),
        )
        for r in cadres
    }
    return cadres, inputs
