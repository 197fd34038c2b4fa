from nonebug import App

from tests.helpers import Contains, converse, private


async def test_help_for_newcomer(app: App) -> None:
    await converse(app, private(20001, "/帮助"), Contains("联青常用指令（青年）", "/加入 学生", "更多：/帮助 诉求｜互助｜签到｜全部"))


async def test_a_private_message_not_understood_points_to_help(app: App) -> None:
    await converse(app, private(20001, "你好"), Contains("没看懂这句话，发送 /帮助 看看能做什么。"))
