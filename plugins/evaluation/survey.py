"""Satisfaction surveys: sampled youth rate their cadre 1–5; the cadre sees only aggregates."""

from datetime import timedelta

from tortoise.transactions import in_transaction

from models import Cadre, Organisation, Survey, SurveyQuestion
from plugins.contacts.stats import CONFIRMED
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.sql import fetch, subtree_sql
from plugins.evaluation import awaiting
from plugins.evaluation.config import Config
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue

MAX_PER_CADRE = 20
RESURVEY_DAYS = 90


def question_text(cadre: Cadre) -> str:
    return (
        f"你好！请给{chat_name(cadre.org, cadre.name)}打个分：直接回复 1 到 5 的数字"
        "（5 分最满意）。评分不记名，团干部只看得到汇总。"
    )


async def running(org: Organisation) -> Survey | None:
    """A survey still open for any cadre under `org`."""
    where, params = subtree_sql([org.path])
    rows = await fetch(
        "SELECT s.id AS id FROM survey s WHERE s.closes_at > ? AND EXISTS (SELECT 1 FROM survey_question q "
        "JOIN cadre c ON c.id = q.cadre_id JOIN organisation o ON o.id = c.org_id "
        f"WHERE q.survey_id = s.id AND {where}) ORDER BY s.id DESC LIMIT 1",
        clock.now(), *params,
    )
    return await Survey.get(id=rows[0]["id"]) if rows else None


async def start(actor: Actor, org: Organisation, per_cadre: int, settings: Config) -> tuple[Survey, int, int]:
    """Ask up to `per_cadre` confirmed contacts of every cadre under `org`; returns (survey, questions, cadres)."""
    if not actor.administers(org):
        raise Forbidden(f"你不是“{org.name}”或其上级组织的管理员")
    if not 1 <= per_cadre <= MAX_PER_CADRE:
        raise UsageError(f"每名团干部的样本数须在 1–{MAX_PER_CADRE} 之间")
    if (current := await running(org)) is not None:
        raise Conflict(
            f"“{org.name}”的团干部已有满意度调查在进行中（至 {clock.fmt_local(current.closes_at)}），请结束后再发起"
        )
    where, params = subtree_sql([org.path])
    now = clock.now()
    rows = await fetch(
        "SELECT cadre_id, qq FROM (SELECT l.cadre_id AS cadre_id, y.qq AS qq, "
        "ROW_NUMBER() OVER (PARTITION BY l.cadre_id ORDER BY RANDOM()) AS pick "
        "FROM contact_link l JOIN youth y ON y.id = l.youth_id JOIN cadre c ON c.id = l.cadre_id "
        f"JOIN organisation o ON o.id = c.org_id WHERE {CONFIRMED} AND {where} "
        "AND NOT EXISTS (SELECT 1 FROM survey_question q WHERE q.cadre_id = l.cadre_id AND q.youth_qq = y.qq "
        "AND q.asked_at >= ?)) picked WHERE pick <= ?",
        *params, now - timedelta(days=RESURVEY_DAYS), per_cadre,
    )
    if not rows:
        raise Conflict(f"“{org.name}”及其下级组织的团干部没有可调查的已确认联系青年")
    cadres = {c.id: c for c in await Cadre.filter(id__in={r["cadre_id"] for r in rows}).prefetch_related("org")}
    async with in_transaction():
        survey = await Survey.create(
            org=org, requested_by=actor.qq or 0, per_cadre=per_cadre, created_at=now,
            closes_at=now + timedelta(days=settings.evaluation_survey_days),
        )
        for row in rows:
            question = await SurveyQuestion.create(
                survey=survey, cadre_id=row["cadre_id"], youth_qq=row["qq"], asked_at=now
            )
            await enqueue(
                row["qq"], question_text(cadres[row["cadre_id"]]), category="survey",
                dedup_key=f"survey:{question.id}",
            )
    awaiting.add([r["qq"] for r in rows])
    return survey, len(rows), len(cadres)
