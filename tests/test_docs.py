"""The README documents every command a user can type (generated /帮助 has the same source)."""

from plugins.core.commands import all_commands
from tests.conftest import ROOT


def test_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [u.syntax for c in all_commands() for u in c.usages if f"`{u.syntax}`" not in readme]
    assert missing == []


def test_plugin_usage_comes_from_the_registry() -> None:
    import nonebot

    plugin = nonebot.get_plugin("identity")
    assert plugin is not None and plugin.metadata is not None
    assert "/注册 <姓名> <组织> <类别>" in plugin.metadata.usage


def test_readme_shows_the_privacy_notices_as_sent() -> None:
    from plugins.contacts.texts import CONSENT_NOTICE, GROUP_NOTICE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert CONSENT_NOTICE.format(pending_days=7) in readme
    assert GROUP_NOTICE.format(card="{名片}") in readme


def test_notices_state_the_configured_text_retention() -> None:
    from plugins.contacts.texts import CONSENT_NOTICE, GROUP_NOTICE
    from plugins.interaction.config import Config

    days = Config().interaction_text_retention_days
    assert f"保存 {days} 天后删除" in CONSENT_NOTICE and f"保存 {days} 天后删除" in GROUP_NOTICE
