from nonebug import App

from tests.helpers import Contains, converse, private


async def test_help_for_newcomer(app: App) -> None:
    await converse(app, private(20001, "/帮助"), Contains("/注册", "/我的"))


async def test_ordinary_message_is_ignored(app: App) -> None:
    await converse(app, private(20001, "你好"))
