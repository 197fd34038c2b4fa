"""Operators: /healthz and /metrics on the bot's own web server, and the start-up banner."""

import asyncio
import contextlib
import re
import time

import pytest
from nonebug import App
from prometheus_client.parser import text_string_to_metric_families

from models import Organisation
from plugins.core import metrics
from plugins.ops import banner, health, routes
from plugins.outbox.service import enqueue
from tests.helpers import Contains, Notice, converse, group
from tests.seed import PROVINCE_ADMIN, seed_tree
from tests.test_dashboard_support import client

YOUTH = 50001
GROUP = 870001


@pytest.fixture
def ops_settings():
    """Swap the ops settings (token, host) for one test."""
    from plugins.core.config import settings as core_settings
    from plugins.ops.config import settings

    with contextlib.ExitStack() as stack:

        def use(*, token: str = "", host: str = "127.0.0.1", tick_seconds: float = 30.0) -> None:
            stack.enter_context(settings.override(lianqing_metrics_token=token))
            stack.enter_context(core_settings.override(lianqing_tick_seconds=tick_seconds))
            stack.enter_context(_host(host))

        yield use


@contextlib.contextmanager
def _host(host: str):
    saved = routes._host
    routes._host = lambda: host  # type: ignore[assignment]
    try:
        yield
    finally:
        routes._host = saved  # type: ignore[assignment]


def samples(text: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value(text: str, name: str, **labels: str) -> float:
    found = [s.value for s in samples(text) if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    assert found, f"{name}{labels} not exported"
    return found[0]


async def test_healthz_reports_counts_only_and_is_healthy(ops_settings) -> None:
    ops_settings()
    metrics.tick_started()
    await enqueue(YOUTH, "你好", category="test")
    await enqueue(YOUTH + 1, "你好", category="test")
    failed = await enqueue(YOUTH + 2, "你好", category="test")
    assert failed is not None
    await type(failed).filter(id=failed.id).update(status="failed")
    async with client() as web:
        answer = await web.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["outbox"] == {"pending": 2, "failed": 1}
    assert body["bot_accounts"] == 0 and "没有 QQ 账号连接" in body["warnings"][0]  # still 200
    assert body["scheduler"]["last_tick_age_seconds"] < 5 and body["scheduler"]["limit_seconds"] == 120
    assert not re.search(r"\d{5,}", answer.text)  # no QQ or group number


async def test_healthz_is_503_when_the_database_does_not_answer(ops_settings, monkeypatch) -> None:
    ops_settings()
    metrics.tick_started()

    async def hangs(*args):
        await asyncio.sleep(30)

    from plugins.ops.config import settings

    monkeypatch.setattr(health, "fetch", hangs)
    before = metrics.DATABASE_ERRORS.labels("health")._value.get()
    with settings.override(lianqing_health_db_timeout=0.2):
        async with client() as web:
            answer = await web.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable" and "数据库无法访问" in answer.json()["problems"]
    assert metrics.DATABASE_ERRORS.labels("health")._value.get() == before + 1


async def test_healthz_is_503_when_the_scheduler_stalls(ops_settings, monkeypatch) -> None:
    ops_settings(tick_seconds=60)  # limit: max(120, 4 × 60) = 240 s
    monkeypatch.setattr(metrics, "_last_tick", time.monotonic() - 200)
    async with client() as web:
        assert (await web.get("/healthz")).status_code == 200
        monkeypatch.setattr(metrics, "_last_tick", time.monotonic() - 250)
        answer = await web.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["problems"] == ["定时任务已 250 秒没有运行"]


async def test_metrics_after_commands_hold_no_qq_group_number_or_name(app: App, ops_settings) -> None:
    ops_settings()
    await seed_tree()
    await converse(app, group(GROUP, YOUTH, "/我的"), Contains("你的个人信息只在私聊里看"))
    await converse(app, group(GROUP, YOUTH, "/审核 1 通过"), Contains("只供组织管理员使用"))
    await converse(app, group(GROUP, YOUTH, "今天几点集合？"))  # ordinary chat: counted, not a command
    async with client() as web:
        answer = await web.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert value(text, "lianqing_commands_total", command="我的", outcome="ok") >= 1
    assert value(text, "lianqing_commands_total", command="审核", outcome="refused") >= 1
    assert value(text, "lianqing_command_seconds_count", command="我的") >= 1
    assert value(text, "lianqing_events_total", type="message") >= 3
    assert value(text, "lianqing_outbox_messages", status="pending") == 0
    assert value(text, "lianqing_database_up") == 1
    assert "lianqing_scheduler_tick_age_seconds" in text and "lianqing_database_errors_total" in text
    labels = {v for s in samples(text) for k, v in s.labels.items() if k not in ("le", "quantile")}
    assert not [v for v in labels if re.search(r"\d{5,}", v)]  # no QQ or group number
    assert not {"用户50001", "浙江省委", "杭州市委"} & labels  # no name of a person or organisation


async def test_outbox_sends_are_counted(app: App, ops_settings) -> None:
    ops_settings()
    async with client() as web:
        before = value((await web.get("/metrics")).text, "lianqing_outbox_sent_total")
        await enqueue(PROVINCE_ADMIN, "提醒", category="test", bulk=False)
        from tests.helpers import deliver

        await deliver(app, Notice(PROVINCE_ADMIN, Contains("提醒")))
        after = value((await web.get("/metrics")).text, "lianqing_outbox_sent_total")
    assert after == before + 1


async def test_metrics_need_the_token_when_one_is_set(ops_settings) -> None:
    ops_settings(token="s3cret", host="0.0.0.0")
    async with client() as web:
        assert (await web.get("/metrics")).status_code == 401
        assert (await web.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await web.get("/metrics", headers={"Authorization": "s3cret"})).status_code == 401
        ok = await web.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and "lianqing_events_total" in ok.text
        ops_settings(token="s3cret", host="127.0.0.1")  # required on loopback too
        assert (await web.get("/metrics")).status_code == 401


async def test_metrics_without_a_token_answer_only_on_loopback(ops_settings) -> None:
    async with client() as web:
        for host in ("0.0.0.0", "192.168.1.20", "::"):
            ops_settings(host=host)
            assert (await web.get("/metrics")).status_code == 404, host
        for host in ("127.0.0.1", "localhost", "::1"):
            ops_settings(host=host)
            assert (await web.get("/metrics")).status_code == 200, host
        ops_settings(host="0.0.0.0")
        assert (await web.get("/healthz")).status_code in (200, 503)  # never hidden


async def test_the_banner_tells_a_newcomer_how_to_become_the_first_administrator() -> None:
    first = await banner.lines(base_url="http://10.0.0.5:8080/", superusers=set())
    assert first == ["管理后台：http://10.0.0.5:8080/dashboard/", banner.FIRST_ADMIN]
    assert "SUPERUSERS" in banner.FIRST_ADMIN and "python -m cli import" in banner.FIRST_ADMIN
    with_superuser = await banner.lines(base_url="http://10.0.0.5:8080", superusers={"10001"})
    assert with_superuser == ["管理后台：http://10.0.0.5:8080/dashboard/"]
    await seed_tree()
    assert await Organisation.exists()
    assert await banner.lines(base_url="http://x", superusers=set()) == ["管理后台：http://x/dashboard/"]
