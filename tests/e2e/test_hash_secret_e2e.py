"""The opt-out key: generated once, kept, reused after a restart; a process with another key
on the same database refuses to start."""

from tests.e2e.botproc import db_rows, e2e_database_url, free_port, spawn_bot, start_bot, stop_bot
from tests.simulator import OneBotSimulator

LEFT = 50001


async def test_a_generated_key_is_kept_and_every_process_must_share_it(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_secret")
    key_file = tmp_path / "data" / "hash_secret"
    first = await start_bot(url, LIANQING_HASH_SECRET_FILE=str(key_file))
    try:
        sim = OneBotSimulator(first.ws_url, access_token=first.access_token)
        async with sim.connected():
            assert "已记下你的同意" in await sim.ask_private(LEFT, "/同意")
            assert "要删除的是" in await sim.ask_private(LEFT, "/退出 全部")
            assert "已删除你的全部个人信息" in await sim.ask_private(LEFT, "/退出 全部 确认")
    finally:
        stop_bot(first)
    key = key_file.read_text().strip()
    assert len(key) == 64 and key != "lianqing"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert not db_rows(url, f"SELECT 1 FROM opt_out WHERE qq_hash LIKE '%{LEFT}%'")

    # Restarted with the same file: the person who left is still not recorded.
    second = await start_bot(url, LIANQING_HASH_SECRET_FILE=str(key_file))
    try:
        sim = OneBotSimulator(second.ws_url, access_token=second.access_token)
        async with sim.connected():
            assert "/退出 全部" in await sim.ask_private(LEFT, "/签到 123456")
    finally:
        stop_bot(second)
    assert key_file.read_text().strip() == key

    # Another machine with its own key on this database: refused, with the reason.
    other = spawn_bot(url, free_port(), "e2e-secret", LIANQING_HASH_SECRET_FILE=str(tmp_path / "other"))
    assert other.process.wait(timeout=60) != 0
    assert "LIANQING_HASH_SECRET 与这个数据库以前使用的不同" in other.log()
    assert (tmp_path / "other").read_text().strip() == "lianqing"  # it guessed the old built-in key
