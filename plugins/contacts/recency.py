"""People, not counts: the last two-way contact between a cadre and each confirmed contact.

Computed in SQL from records the bot keeps anyway (no per-message writes):

- 答复: an exchange, the cadre answered the youth's message in a bound group (quote or @);
- 话题: the youth replied to the cadre's topic and the cadre replied in that topic afterwards;
- 签到: the youth checked in at the cadre's activity;
- 诉求: the cadre answered, asked about or closed the youth's request;
- 确认联系: the confirmation of the link itself (every link has one).

Only consenting youth are identified anywhere, so only their links appear. Records whose
QQ was removed after the retention period simply no longer count; the confirmation date
is the floor.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.enums import LinkStatus
from plugins.core import clock, periods
from plugins.core.sql import as_datetime, dialect, fetch, in_list

KINDS = {
    "exchange": "答复",
    "topic": "话题",
    "check_in": "签到",
    "case": "诉求",
    "confirm": "确认联系",
}
"""How each kind of contact is named to the cadre ("3月12日 签到")."""

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Recency:
    cadre_id: int
    youth_id: int
    qq: int
    nickname: str
    field: str | None
    confirmed_at: datetime
    last_at: datetime
    kind: str

    @property
    def label(self) -> str:
        """"3月12日 签到"."""
        return f"{fmt_day(self.last_at)} {KINDS[self.kind]}"

    @property
    def name(self) -> str:
        return self.nickname or str(self.qq)


def fmt_day(instant: datetime) -> str:
    """3月12日, with the year when it is not this year's."""
    return periods.fmt_day(clock.to_local(instant).date())


def _filter(column: str, cadre_ids: list[int] | None) -> tuple[str, list]:
    if cadre_ids is None:
        return "1=1", []
    return f"{column} IN ({in_list(cadre_ids)})", list(cadre_ids)


def _query(cadre_ids: list[int] | None, before: datetime | None, youth_id: int | None = None) -> tuple[str, list]:
    """One row per confirmed link of a consenting youth with each kind's latest contact.

    Each source is aggregated per (cadre, QQ) with the cadre filter pushed inside, so one
    cadre reads only their own rows through the (cadre_id, …) indexes."""
    params: list = []

    def where(column: str) -> str:
        sql, p = _filter(column, cadre_ids)
        params.extend(p)
        return sql

    greatest = "GREATEST" if dialect() == "postgres" else "MAX"
    last = (
        f"{greatest}(k.confirmed_at, COALESCE(ex.at, k.confirmed_at), COALESCE(tr.at, k.confirmed_at), "
        "COALESCE(ci.at, k.confirmed_at), COALESCE(cs.at, k.confirmed_at))"
    )
    links = (
        "SELECT l.cadre_id AS cadre_id, y.id AS youth_id, y.qq AS qq, y.nickname AS nickname, y.field AS field, "
        "l.confirmed_at AS confirmed_at FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.status = ? AND y.consented_at IS NOT NULL AND l.confirmed_at IS NOT NULL AND {where('l.cadre_id')}"
    )
    params.insert(0, LinkStatus.confirmed.value)
    if youth_id is not None:
        links += " AND y.id = ?"
        params.append(youth_id)
    exchange = (
        "SELECT e.cadre_id AS cadre_id, e.youth_qq AS qq, MAX(e.answered_at) AS at FROM exchange e "
        f"WHERE e.youth_qq <> 0 AND {where('e.cadre_id')} GROUP BY e.cadre_id, e.youth_qq"
    )
    topic_where = where("t.cadre_id")
    params.extend([False, True])
    topic = (
        "SELECT t.cadre_id AS cadre_id, r.qq AS qq, MAX(r.created_at) AS at FROM topic_reply r "
        f"JOIN topic t ON t.id = r.topic_id WHERE {topic_where} AND r.is_cadre = ? AND r.qq <> 0 "
        "AND EXISTS (SELECT 1 FROM topic_reply a WHERE a.topic_id = r.topic_id AND a.is_cadre = ? "
        "AND a.created_at >= r.created_at) GROUP BY t.cadre_id, r.qq"
    )
    check_in = (
        "SELECT a.cadre_id AS cadre_id, ci.qq AS qq, MAX(ci.created_at) AS at FROM check_in ci "
        f"JOIN activity a ON a.id = ci.activity_id WHERE ci.qq IS NOT NULL AND {where('a.cadre_id')} "
        "GROUP BY a.cadre_id, ci.qq"
    )
    case = (
        'SELECT c.cadre_id AS cadre_id, c.youth_qq AS qq, MAX(ev.created_at) AS at FROM "case" c '
        "JOIN cadre cd ON cd.id = c.cadre_id JOIN case_event ev ON ev.case_id = c.id "
        f"WHERE c.youth_qq IS NOT NULL AND ev.actor_qq = cd.qq AND {where('c.cadre_id')} "
        "GROUP BY c.cadre_id, c.youth_qq"
    )
    query = (
        f"SELECT * FROM (SELECT k.cadre_id AS cadre_id, k.youth_id AS youth_id, k.qq AS qq, "
        f"k.nickname AS nickname, k.field AS field, k.confirmed_at AS confirmed_at, "
        f"ex.at AS exchange_at, tr.at AS topic_at, ci.at AS check_in_at, cs.at AS case_at, {last} AS last_at "
        f"FROM ({links}) k "
        f"LEFT JOIN ({exchange}) ex ON ex.cadre_id = k.cadre_id AND ex.qq = k.qq "
        f"LEFT JOIN ({topic}) tr ON tr.cadre_id = k.cadre_id AND tr.qq = k.qq "
        f"LEFT JOIN ({check_in}) ci ON ci.cadre_id = k.cadre_id AND ci.qq = k.qq "
        f"LEFT JOIN ({case}) cs ON cs.cadre_id = k.cadre_id AND cs.qq = k.qq) r"
    )
    if before is not None:
        query += " WHERE r.last_at < ?"
        params.append(before)
    return query, params


def _row(row: dict) -> Recency:
    confirmed = as_datetime(row["confirmed_at"])
    assert confirmed is not None
    last, kind = confirmed, "confirm"
    for key in ("case", "check_in", "topic", "exchange"):
        at = as_datetime(row[f"{key}_at"])
        if at is not None and at >= last:
            last, kind = at, key
    return Recency(
        int(row["cadre_id"]), int(row["youth_id"]), int(row["qq"]), row["nickname"] or "", row["field"],
        confirmed, last, kind,
    )


async def recency(cadre_ids: list[int] | None, before: datetime | None = None) -> list[Recency]:
    """Confirmed contacts of `cadre_ids` (None: every cadre), by cadre, oldest contact first;
    with `before`, only those whose last two-way contact is earlier."""
    if cadre_ids is not None and not cadre_ids:
        return []
    query, params = _query(cadre_ids, before)
    return [_row(r) for r in await fetch(query + " ORDER BY r.cadre_id, r.last_at, r.youth_id", *params)]


async def rotating(
    cadre_ids: list[int] | None, before: datetime, start: int, size: int
) -> dict[int, tuple[int, list[Recency]]]:
    """Per cadre: how many contacts are due, and `size` of them taken in oldest-first order
    from position `start` (modulo the count, wrapping), in that order. The window is cut
    in SQL, so only `size` rows per cadre come back however many are due. None: every cadre."""
    if cadre_ids is not None and not cadre_ids:
        return {}
    inner, params = _query(cadre_ids, before)
    query = (
        "SELECT * FROM (SELECT w.*, ROW_NUMBER() OVER (PARTITION BY w.cadre_id ORDER BY w.last_at, w.youth_id) - 1 AS pos, "
        f"COUNT(*) OVER (PARTITION BY w.cadre_id) AS due FROM ({inner}) w) x "
        "WHERE x.due <= ? OR (x.pos - (? % x.due) + x.due) % x.due < ?"
    )
    out: dict[int, tuple[int, list[tuple[int, Recency]]]] = {}
    for row in await fetch(query, *params, size, start, size):
        due = int(row["due"])
        order = (int(row["pos"]) - start % due) % due
        entry = out.setdefault(int(row["cadre_id"]), (due, []))
        entry[1].append((order, _row(row)))
    return {cid: (due, [r for _, r in sorted(rows, key=lambda x: x[0])]) for cid, (due, rows) in out.items()}


def cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=days)


@dataclass(frozen=True)
class Due:
    """Contacts not heard from for `days` days: the first `shown`, oldest first, and the total."""

    days: int
    total: int
    rows: list[Recency]


async def due(cadre_id: int, days: int = DEFAULT_DAYS, limit: int = 20) -> Due:
    rows = await recency([cadre_id], cutoff(days))
    return Due(days, len(rows), rows[:limit])


async def last_contacts(cadre_id: int, qq: int, limit: int = 5) -> list[tuple[datetime, str]]:
    """The latest two-way contacts of one youth with the cadre, newest first: (when, kind)."""
    false, true = False, True
    rows = await fetch(
        "SELECT at, kind FROM ("
        "SELECT e.answered_at AS at, 'exchange' AS kind FROM exchange e WHERE e.cadre_id = ? AND e.youth_qq = ? "
        "UNION ALL SELECT r.created_at AS at, 'topic' AS kind FROM topic_reply r JOIN topic t ON t.id = r.topic_id "
        "WHERE t.cadre_id = ? AND r.qq = ? AND r.is_cadre = ? AND EXISTS (SELECT 1 FROM topic_reply a "
        "WHERE a.topic_id = r.topic_id AND a.is_cadre = ? AND a.created_at >= r.created_at) "
        "UNION ALL SELECT ci.created_at AS at, 'check_in' AS kind FROM check_in ci JOIN activity a ON a.id = ci.activity_id "
        "WHERE a.cadre_id = ? AND ci.qq = ? "
        'UNION ALL SELECT ev.created_at AS at, \'case\' AS kind FROM "case" c JOIN cadre cd ON cd.id = c.cadre_id '
        "JOIN case_event ev ON ev.case_id = c.id WHERE c.cadre_id = ? AND c.youth_qq = ? AND ev.actor_qq = cd.qq "
        "UNION ALL SELECT l.confirmed_at AS at, 'confirm' AS kind FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        "WHERE l.cadre_id = ? AND y.qq = ? AND l.status = ? AND l.confirmed_at IS NOT NULL"
        ") x ORDER BY at DESC LIMIT ?",
        cadre_id, qq, cadre_id, qq, false, true, cadre_id, qq, cadre_id, qq, cadre_id, qq,
        LinkStatus.confirmed.value, limit,
    )
    out = []
    for r in rows:
        at = as_datetime(r["at"])
        assert at is not None
        out.append((at, str(r["kind"])))
    return out


async def find_contact(cadre_id: int, who: str) -> list[Recency]:
    """The cadre's confirmed, consenting contacts matching a QQ or a nickname (exact first)."""
    from plugins.core.errors import NotFound
    from plugins.core.text import parse_qq

    rows = await recency([cadre_id])
    qq = parse_qq(who)
    found = [r for r in rows if r.qq == qq] if qq is not None else []
    if not found:
        found = [r for r in rows if r.nickname == who] or [r for r in rows if who and who in r.nickname]
    if not found:
        raise NotFound(f"你的已确认联系青年里没有“{who[:20]}”。发 /联系人 明细 看名单")
    return found


async def open_cases(cadre_id: int, qq: int) -> list:
    from models import Case
    from models.enums import CaseStatus

    return list(
        await Case.filter(cadre_id=cadre_id, youth_qq=qq).exclude(status=CaseStatus.closed).order_by("id").limit(5)
    )
