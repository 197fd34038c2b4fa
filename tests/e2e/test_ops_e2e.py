"""Operating the real bot process: /healthz when the database stops, /metrics after
commands, the start-up banner, and a backup of a running bot restored elsewhere.

How the database "stops" under a running bot:
- PostgreSQL (DATABASE_URL names one): the bot's database stops accepting
  connections (`ALTER DATABASE … ALLOW_CONNECTIONS false`) and its sessions are
  terminated, as when the server goes away; the cluster itself keeps running.
- SQLite has no server to stop, and moving or chmod-ing the file does not reach
  a process that holds it open (and root ignores permissions). The database
  file, its WAL and its shared-memory index are overwritten with zeros, as a
  failed disk would return them, then written back.
"""

import asyncio
import os
import re
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.dbreset import _pg, _run, fresh_postgres_database, is_postgres
from tests.e2e.botproc import (
    db_rows,
    e2e_database_url,
    eventually,
    run_cli,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_private_to

ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n"
CADRES = "姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n"
ZHANG, ADMIN = 20001, 30001
YOUTH = [50001, 50002, 50003]
G = 880001


def roster(tmp_path: Path, url: str) -> None:
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "cadres.csv").write_text(CADRES, encoding="utf-8")
    done = run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
    assert done.returncode == 0, done.stdout + done.stderr


async def get(bot, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.port}", timeout=30) as web:
        return await web.get(path, headers=headers)


async def health_is(bot, status: int) -> httpx.Response | None:
    async def check():
        answer = await get(bot, "/healthz")
        return answer if answer.status_code == status else None

    return await eventually(check, timeout=30, interval=0.2)


class StoppedDatabase:
    """Make the bot's database unreachable, then bring it back (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.saved: dict[Path, bytes] = {}

    def stop(self) -> None:
        if is_postgres(self.url):
            name = self.url.rsplit("/", 1)[1]
            admin = self.url.rsplit("/", 1)[0] + "/postgres"
            _run(_pg(
                admin,
                f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
            ))
            return
        path = Path(self.url.removeprefix("sqlite://"))
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if file.exists():
                self.saved[file] = file.read_bytes()
        for file, data in self.saved.items():
            with file.open("r+b") as f:
                f.write(b"\0" * len(data))

    def start(self) -> None:
        if is_postgres(self.url):
            name = self.url.rsplit("/", 1)[1]
            admin = self.url.rsplit("/", 1)[0] + "/postgres"
            _run(_pg(admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            return
        for file, data in self.saved.items():
            with file.open("r+b") as f:
                f.write(data)


async def test_healthz_turns_503_when_the_database_stops_and_metrics_hold_no_numbers(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_ops_health")
    bot = await start_bot(url, SUPERUSERS="[]", LIANQING_HEALTH_DB_TIMEOUT="1")
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "青年群", [(YOUTH[0], "小一"), (YOUTH[1], "小二")])
    database = StoppedDatabase(url)
    try:
        # A new installation: where the dashboard is, and how to become the first administrator.
        log = bot.log()
        assert "管理后台：http://127.0.0.1:8080/dashboard/" in log
        assert 'SUPERUSERS=["你的QQ号"]' in log and "python -m cli import" in log

        unconnected = await health_is(bot, 200)  # no account connected: reported, still healthy
        assert unconnected is not None and unconnected.json()["bot_accounts"] == 0
        async with sim.connected():
            assert "你的个人信息只在私聊里看" in (await sim.ask_group(G, YOUTH[0], "/我的")).text
            assert "只供组织管理员使用" in await sim.ask_private(YOUTH[1], "/审核")
            await sim.group_message(G, YOUTH[1], "今天几点集合？")
            healthy = await health_is(bot, 200)
            assert healthy is not None
            body = healthy.json()
            assert body["bot_accounts"] == 1 and body["database"] == "ok"
            assert body["outbox"] == {"pending": 0, "failed": 0}
            assert not re.search(r"\d{5,}", healthy.text)

            exported = (await get(bot, "/metrics")).text  # the bot listens on 127.0.0.1, no token
            samples = [s for f in text_string_to_metric_families(exported) for s in f.samples]
            commands = {(s.labels["command"], s.labels["outcome"]): s.value for s in samples if s.name == "lianqing_commands_total"}
            assert commands[("我的", "ok")] == 1 and commands[("审核", "refused")] == 1
            labels = {v for s in samples for k, v in s.labels.items() if k not in ("le", "quantile")}
            assert not [v for v in labels if re.search(r"\d{5,}", v)], labels
            assert not {"小一", "小二", "青年群"} & labels
            for qq in (*YOUTH[:2], G, sim.self_id):
                assert not re.search(rf"[^.\d]{qq}[^.\d]", exported), qq

            database.stop()
            stopped = await health_is(bot, 503)
            assert stopped is not None, "healthz stayed 200 with the database stopped"
            assert stopped.json()["database"] == "unreachable"
            assert "数据库无法访问" in stopped.json()["problems"]

            database.start()
            assert await health_is(bot, 200) is not None, "healthz did not recover"
            exported = (await get(bot, "/metrics")).text
            errors = [s.value for f in text_string_to_metric_families(exported) for s in f.samples
                      if s.name == "lianqing_database_errors_total" and s.labels["source"] == "health"]
            assert errors and errors[0] >= 1
    finally:
        database.start()
        stop_bot(bot)


async def test_metrics_require_the_token_on_an_open_port(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_ops_token")
    hidden = await start_bot(url, HOST="0.0.0.0")
    try:
        assert (await get(hidden, "/metrics")).status_code == 404  # no token, not loopback
        assert (await get(hidden, "/healthz")).status_code == 200
    finally:
        stop_bot(hidden)
    guarded = await start_bot(url, HOST="0.0.0.0", LIANQING_METRICS_TOKEN="m-token")
    try:
        assert (await get(guarded, "/metrics")).status_code == 401
        ok = await get(guarded, "/metrics", Authorization="Bearer m-token")
        assert ok.status_code == 200 and "lianqing_events_total" in ok.text
    finally:
        stop_bot(guarded)


TABLES = {
    "case": 'SELECT id, youth_qq, category, status, content FROM "case" ORDER BY id',
    "contact_link": "SELECT l.id, l.cadre_id, y.qq, l.status FROM contact_link l JOIN youth y ON y.id = l.youth_id ORDER BY l.id",
    "youth": "SELECT id, qq, nickname, field FROM youth ORDER BY id",
    "message_count": "SELECT group_id, qq, day, count FROM message_count ORDER BY group_id, qq, day",
    "cadre": "SELECT id, qq, name FROM cadre ORDER BY id",
}


def snapshot(url: str) -> dict[str, list[tuple]]:
    return {table: db_rows(url, query) for table, query in TABLES.items()}


def restored_url(url: str, tmp_path: Path) -> str:
    if is_postgres(url):
        return fresh_postgres_database(os.environ["DATABASE_URL"], "lianqing_e2e_restored")
    return f"sqlite://{tmp_path / 'restored' / 'lianqing.sqlite3'}"


async def test_a_running_bots_backup_restores_the_same_cases_contacts_and_counts(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_ops_backup")
    roster(tmp_path, url)
    bot = await start_bot(url)
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "青年群", [(ZHANG, "张三", "owner"), *[(y, f"青年{y}") for y in YOUTH]])
    file = tmp_path / "lianqing.backup"
    try:
        async with sim.connected():
            assert "本群的团干部" in (await sim.ask_group(G, ZHANG, "/绑定本群")).text
            for youth in YOUTH[:2]:
                await sim.ask_group(G, youth, "/加入 学生")
                assert "你已和" in await sim.ask_private(youth, "/同意")
            start = len(sim.calls)
            await sim.private_message(YOUTH[0], "/诉求 困难 食堂饭菜太贵了")
            await sim.wait_for(lambda c: is_private_to(c, YOUTH[0]) and "已收到" in c.text, start=start)
            for i in range(5):
                await sim.group_message(G, YOUTH[i % 3], f"第{i}条")

            async def counted():
                rows = db_rows(url, f"SELECT SUM(count) FROM message_count WHERE group_id = {G}")
                return rows[0][0] and rows[0][0] >= 5

            assert await eventually(counted)
            # Backed up while the bot runs and keeps receiving messages.
            chatter = asyncio.gather(*[sim.group_message(G, YOUTH[2], f"再来{i}") for i in range(20)])
            done = await asyncio.to_thread(run_cli, url, "backup", str(file))
            await chatter
            assert done.returncode == 0, done.stderr
            assert "已备份到" in done.stdout
        stop_bot(bot)
    finally:
        stop_bot(bot)

    target = restored_url(url, tmp_path)
    restored = run_cli(target, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    got = snapshot(target)
    assert len(got["case"]) == 1 and got["case"][0][1:4] == (YOUTH[0], "difficulty", "open")
    assert len(got["contact_link"]) == 2 and {r[2] for r in got["contact_link"]} == set(YOUTH[:2])
    assert sum(r[3] for r in got["message_count"] if r[0] == G) >= 5
    original = snapshot(url)
    for table in ("case", "contact_link", "youth", "cadre"):  # nothing changed after the backup
        assert got[table] == original[table], table
    # Counts are a consistent state at the moment of the backup: at most what the bot has now.
    assert sum(r[3] for r in got["message_count"]) <= sum(r[3] for r in original["message_count"])

    again = run_cli(target, "restore", str(file))
    assert again.returncode == 2 and "已有数据" in again.stderr and "--force" in again.stderr
    assert run_cli(target, "restore", str(file), "--force").returncode == 0
    assert snapshot(target)["case"] == got["case"]

    # The bot on the restored database knows the same people.
    revived = await start_bot(target)
    sim = OneBotSimulator(revived.ws_url, access_token=revived.access_token)
    sim.add_group(G, "青年群", [(ZHANG, "张三", "owner"), *[(y, f"青年{y}") for y in YOUTH]])
    try:
        async with sim.connected():
            assert "已确认 2/100" in await sim.ask_private(ZHANG, "/联系人")
            assert "#1" in await sim.ask_private(YOUTH[0], "/诉求 列表")
    finally:
        stop_bot(revived)
