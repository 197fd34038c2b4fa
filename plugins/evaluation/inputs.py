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


async def _grouped(query: str, scope: Scope, *params) -> dict[int, dict]:
    rows = await fetch(query.format(scope=scope.where), *params, *scope.params)
    return {r["cadre_id"]: r for r in rows}


async def load(scope: Scope, c: Config) -> tuple[list[CadreRow], dict[int, Inputs]]:
    now = clock.now()
    today = clock.today()
    since = now - timedelta(days=c.evaluation_activeness_days)
    since_day = today - timedelta(days=c.evaluation_activeness_days)
    year_ago = now - timedelta(days=365)
    cadres = [
        CadreRow(**r)
        for r in await fetch(
            "SELECT c.id AS id, c.qq AS qq, c.name AS name, c.category AS category, "
            "o.id AS org_id, o.name AS org_name, o.path AS path "
            "FROM cadre c JOIN organisation o ON o.id = c.org_id "
            f"WHERE (c.left_at IS NULL OR c.left_at >= ?) AND {scope.where} ORDER BY c.id",
            clock.local_datetime(periods.quarter_bounds(today)[0]), *scope.params,
        )
    ]
    if not cadres:
        return [], {}
    confirmed = await _grouped(
        "SELECT l.cadre_id AS cadre_id, COUNT(*) AS n FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"{SCOPE_JOIN.format(col='l.cadre_id')} WHERE {CONFIRMED} AND {{scope}} GROUP BY l.cadre_id",
        scope,
    )
    spot = await _grouped(
        "SELECT q.cadre_id AS cadre_id, COUNT(q.answer) AS answered, "
        "SUM(CASE WHEN q.answer = 'yes' THEN 1 ELSE 0 END) AS yes FROM spot_check_question q "
        f"{SCOPE_JOIN.format(col='q.cadre_id')} WHERE q.answered_at >= ? AND {{scope}} GROUP BY q.cadre_id",
        scope, year_ago,
    )
    topics = await _grouped(
        "SELECT t.cadre_id AS cadre_id, COUNT(*) AS n FROM topic t "
        f"{SCOPE_JOIN.format(col='t.cadre_id')} WHERE t.created_at >= ? AND EXISTS "
        "(SELECT 1 FROM topic_reply r WHERE r.topic_id = t.id AND r.is_cadre = ?) AND {scope} GROUP BY t.cadre_id",
        scope, since, False,
    )
    exchanges = await _grouped(
        "SELECT e.cadre_id AS cadre_id, COUNT(*) AS n FROM exchange e "
        f"{SCOPE_JOIN.format(col='e.cadre_id')} WHERE e.answered_at >= ? AND {{scope}} GROUP BY e.cadre_id",
        scope, since,
    )
    check_ins = await _grouped(
        "SELECT a.cadre_id AS cadre_id, COUNT(*) AS n FROM check_in ci JOIN activity a ON a.id = ci.activity_id "
        f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.day >= ? AND a.day <= ? AND {{scope}} GROUP BY a.cadre_id",
        scope, since_day, today,
    )
    answered_in = f"({epoch('k.first_answer_at')} - {epoch('k.created_at')} - k.paused_seconds)"
    requests = await _grouped(
        "SELECT k.cadre_id AS cadre_id, COUNT(*) AS received, "
        f"SUM(CASE WHEN k.first_answer_at IS NOT NULL AND {answered_in} <= ? THEN 1 ELSE 0 END) AS on_time "
        f'FROM "case" k {SCOPE_JOIN.format(col="k.cadre_id")} WHERE k.created_at >= ? AND {{scope}} '
        "GROUP BY k.cadre_id",
        scope, c.evaluation_request_hours * 3600, since,
    )
    activities = await _grouped(
        "SELECT a.cadre_id AS cadre_id, COUNT(*) AS n, "
        "SUM(CASE WHEN a.kind = 'face_to_face' THEN 1 ELSE 0 END) AS f2f FROM activity a "
        f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.credited = ? AND a.day >= ? AND a.day <= ? AND {{scope}} "
        "GROUP BY a.cadre_id",
        scope, True, today - timedelta(days=365), today,
    )
    recent_activity = await _grouped(
        "SELECT a.cadre_id AS cadre_id, COUNT(*) AS n FROM activity a "
        f"{SCOPE_JOIN.format(col='a.cadre_id')} WHERE a.credited = ? AND a.day >= ? AND a.day <= ? AND {{scope}} "
        "GROUP BY a.cadre_id",
        scope, True, since_day, today,
    )
    case_ratings = await _grouped(
        'SELECT k.cadre_id AS cadre_id, COUNT(k.rating) AS n, COALESCE(SUM(k.rating), 0) AS total FROM "case" k '
        f"{SCOPE_JOIN.format(col='k.cadre_id')} WHERE k.rated_at >= ? AND {{scope}} GROUP BY k.cadre_id",
        scope, year_ago,
    )
    survey_ratings = await _grouped(
        "SELECT s.cadre_id AS cadre_id, COUNT(s.rating) AS n, COALESCE(SUM(s.rating), 0) AS total "
        f"FROM survey_question s {SCOPE_JOIN.format(col='s.cadre_id')} WHERE s.answered_at >= ? AND {{scope}} "
        "GROUP BY s.cadre_id",
        scope, year_ago,
    )
    raised = await raised_targets()

    def n(table: dict[int, dict], cadre_id: int, key: str = "n") -> int:
        row = table.get(cadre_id)
        return int(row[key] or 0) if row else 0

    inputs = {
        r.id: Inputs(
            confirmed=n(confirmed, r.id),
            target=compute_target(r.category, r.path, raised),
            spot_yes=n(spot, r.id, "yes"),
            spot_answered=n(spot, r.id, "answered"),
            topics_answered=n(topics, r.id),
            exchanges=n(exchanges, r.id),
            check_ins=n(check_ins, r.id),
            requests_received=n(requests, r.id, "received"),
            requests_on_time=n(requests, r.id, "on_time"),
            activity_held=n(recent_activity, r.id) > 0,
            face_to_face_held=n(activities, r.id, "f2f") > 0,
            ratings=n(case_ratings, r.id) + n(survey_ratings, r.id),
            rating_sum=n(case_ratings, r.id, "total") + n(survey_ratings, r.id, "total"),
        )
        for r in cadres
    }
    return cadres, inputs
