"""Every message the real bot sends keeps to the length budget (issue 15).

People read the bot on a phone: a group message is at most 6 lines and 200
characters, a private one at most 15 lines and 600 characters; longer private
answers come in pages ("回复 /下一页"). This test takes every declared command
form's example from the README's command tables (which tests/test_docs.py keeps
equal to the declarations), sends it from a youth, a cadre, an administrator and
a superuser, in a bound group and in private chat, through the real bot process,
and checks every message the bot sent: answers, notices from the outbox, pages.

Only a cadre's own posts (topics and activities, their own text) may be longer in
a group. Every command must answer something: silence leaves a user guessing.
"""

import re
from pathlib import Path

import pytest

from tests.e2e.botproc import e2e_database_url, import_roster, start_bot, stop_bot
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import ApiCall, is_private_call

ROOT = Path(__file__).resolve().parents[2]
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n"
ZHANG, ADMIN, SUPER, YOUTH, OTHER = 20001, 30002, 10001, 50001, 50002
G = 820001
ROLES = {"青年": YOUTH, "团干部": ZHANG, "管理员": ADMIN, "超级用户": SUPER}
GROUP_LINES, GROUP_CHARS, PRIVATE_LINES, PRIVATE_CHARS = 6, 200, 15, 600
# Commands that end the test's own set-up (the youth erased, the group unbound) go last.
LAST = ("/退出", "/解绑", "/解除绑定")


def examples() -> list[str]:
    """The example of every declared command form, as the README's tables show them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found: list[str] = []
    for table in re.findall(r"<!-- commands:[\w.]+ -->\n(.*?)\n<!-- /commands -->", readme, re.S):
        for row in table.splitlines()[2:]:
            example = row.rstrip(" |").rsplit("|", 1)[-1].strip().strip("`")
            if example.startswith("/") and example not in found:
                found.append(example)
    return sorted(found, key=lambda e: e.startswith(LAST))


def own_post(call: ApiCall) -> bool:
    """A cadre's topic or activity post: their own text, exempt from the group budget."""
    return call.text.startswith(("【话题", "【活动"))


def over_budget(call: ApiCall) -> str | None:
    text = call.text
    lines, chars = text.count("\n") + 1, len(text)
    if is_private_call(call):
        if lines > PRIVATE_LINES or chars > PRIVATE_CHARS:
            return f"private {lines} lines / {chars} chars: {text[:80]!r}"
    elif not own_post(call) and (lines > GROUP_LINES or chars > GROUP_CHARS):
        return f"group {lines} lines / {chars} chars: {text[:80]!r}"
    return None


@pytest.fixture(scope="module")
async def bot(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_budget")
    import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    process = await start_bot(
        url, OUTBOX_POLL_SECONDS="0.2",
        # Every command from one person within a minute: flood control would rightly cut it short.
        LIANQING_GROUP_COMMANDS_PER_MINUTE="100000", LIANQING_PRIVATE_COMMANDS_PER_MINUTE="100000",
        LIANQING_GROUP_REPLIES_PER_MINUTE="100000",
    )
    yield process
    stop_bot(process)


async def test_every_command_from_every_role_answers_within_the_length_budget(bot) -> None:
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "杭州青年群", [(ZHANG, "张三", "owner"), (ADMIN, "管理员"), (SUPER, "超管"), (YOUTH, "小一"), (OTHER, "小二")])
    silent: list[str] = []
    async with sim.connected():
        assert "本群的团干部" in (await sim.ask_group(G, ZHANG, "/绑定本群")).text
        await sim.ask_group(G, YOUTH, "/加入 学生")
        assert "谢谢！" in await sim.ask_private(YOUTH, "/同意")
        for example in examples():
            for role, qq in ROLES.items():
                try:
                    await sim.ask_group(G, qq, example, timeout=8)
                except TimeoutError:
                    silent.append(f"{role} in group: {example}")
                try:
                    await sim.ask_private(qq, example, timeout=8)
                except TimeoutError:
                    silent.append(f"{role} in private: {example}")
        sent = [c for c in sim.calls if c.action in ("send_msg", "send_private_msg", "send_group_msg")]
    assert len(sent) > 8 * len(examples()) * 0.9
    problems = [problem for c in sent if (problem := over_budget(c))]
    assert problems == [], "\n".join(problems)
    assert silent == []
