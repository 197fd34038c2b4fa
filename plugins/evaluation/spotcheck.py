"""Spot checks: ask a random sample of a cadre's contacts whether the contact is real."""

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import Cadre, SpotCheck, SpotCheckQuestion
from plugins.contacts.stats import CONFIRMED, confirmed_count
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, UsageError
from plugins.core.periods import quarter_key
from plugins.core.sql import fetch
from plugins.evaluation import awaiting
from plugins.identity.orgs import chat_name
from plugins.outbox import enqueue

MAX_SAMPLE = 50


def question_text(cadre: Cadre) -> str:
    return (
        f"你好！联青想核实一下：{chat_name(cadre.org, cadre.name)}和你有联系吗？"
        "直接回复“是”或“否”就行。（只用来核实，你的回答不会告诉这位团干部）"
    )


async def start(actor: Actor, cadre: Cadre, sample: int) -> tuple[SpotCheck, int]:
    """Ask up to `sample` contacts not yet asked about this cadre this quarter."""
    if not actor.administers(cadre.org):
        raise Forbidden(f"你不是“{cadre.org.name}”或其上级组织的管理员，不能抽查该团干部")
    if not 1 <= sample <= MAX_SAMPLE:
        raise UsageError(f"样本数须在 1–{MAX_SAMPLE} 之间")
    if not await confirmed_count(cadre.id):
        raise Conflict(f"{chat_name(cadre.org, cadre.name)}还没有已确认联系的青年，无法抽查")
    quarter = quarter_key(clock.today())
    rows = await fetch(
        "SELECT y.qq AS qq FROM contact_link l JOIN youth y ON y.id = l.youth_id "
        f"WHERE l.cadre_id = ? AND {CONFIRMED} AND y.qq NOT IN (SELECT q.youth_qq FROM spot_check_question q "
        "WHERE q.cadre_id = ? AND q.quarter = ? AND q.youth_qq IS NOT NULL) ORDER BY RANDOM() LIMIT ?",
        cadre.id, cadre.id, quarter, sample,
    )
    if not rows:
        raise Conflict(f"本季度已向{chat_name(cadre.org, cadre.name)}的全部联系青年问过，下季度再抽查")
    now = clock.now()
    text = question_text(cadre)
    async with in_transaction():
        check = await SpotCheck.create(
            cadre=cadre, requested_by=actor.qq or 0, sample_size=sample, quarter=quarter, created_at=now
        )
        for row in rows:
            question = await SpotCheckQuestion.create(
                check=check, cadre=cadre, youth_qq=row["qq"], quarter=quarter, asked_at=now
            )
            await enqueue(row["qq"], text, category="spot_check", dedup_key=f"spot:{question.id}")
    awaiting.add([r["qq"] for r in rows])
    return check, len(rows)


@dataclass
class CheckResult:
    check: SpotCheck
    asked: int
    answered: int
    yes: int

    @property
    def rate(self) -> float | None:
        return self.yes / self.answered if self.answered else None


async def results(cadre: Cadre, limit: int = 5) -> list[CheckResult]:
    checks = await SpotCheck.filter(cadre=cadre).order_by("-id").limit(limit)
    out = []
    for check in checks:
        rows = await fetch(
            "SELECT COUNT(*) AS asked, COUNT(answer) AS answered, "
            "SUM(CASE WHEN answer = 'yes' THEN 1 ELSE 0 END) AS yes FROM spot_check_question WHERE check_id = ?",
            check.id,
        )
        r = rows[0]
        out.append(CheckResult(check, int(r["asked"]), int(r["answered"]), int(r["yes"] or 0)))
    return out
