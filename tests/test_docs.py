"""The README documents every command a user can type (generated /帮助 has the same source)."""

from plugins.core.commands import all_commands
from tests.conftest import ROOT


def test_readme_command_tables_are_generated_from_the_declarations() -> None:
    """Each plugin's table between its markers is exactly what `markdown_table` makes
    (regenerate with: .venv/bin/python -m cli docs)."""
    from plugins.core.commands import markdown_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    plugins = sorted({c.plugin for c in all_commands()})
    for plugin in plugins:
        start, end = f"<!-- commands:{plugin} -->\n", "\n<!-- /commands -->"
        assert start in readme, f"README has no table for {plugin}"
        begin = readme.index(start) + len(start)
        assert readme[begin : readme.index(end, begin)] == markdown_table(plugin), plugin


def test_plugin_usage_comes_from_the_registry() -> None:
    import nonebot

    plugin = nonebot.get_plugin("identity")
    assert plugin is not None and plugin.metadata is not None
    assert "/注册 <姓名> <组织> <类别>" in plugin.metadata.usage


def _block_after(readme: str, heading: str) -> str:
    """The fenced block that follows `heading` in the README."""
    start = readme.index("```\n", readme.index(heading)) + 4
    return readme[start : readme.index("\n```", start)]


def test_readme_shows_the_privacy_notices_word_for_word_with_the_configured_settings() -> None:
    from plugins.contacts.texts import consent_notice, group_notice, notice_values

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _block_after(readme, "**第一次 `/加入` 时的个人信息告知**") == consent_notice()
    assert _block_after(readme, "**绑定群时在群里发布的告知**") == group_notice("{团干部实名和编号}")
    values = notice_values()  # the settings, not numbers typed into the notices
    assert f"话题回复的内容连同其上的 QQ 号 {values['text_days']} 天后删除" in consent_notice()
    assert f"答复、签到和评分记录上的 QQ 号 {values['identity_days']} 天后删除" in consent_notice()
    assert f"诉求的内容在解决 {values['case_days']} 天后删除" in consent_notice()
    assert f"话题回复（{values['text_days']} 天后删除）" in group_notice("")


def test_notices_follow_the_settings() -> None:
    from plugins.contacts.texts import CONSENT_NOTICE, GROUP_NOTICE

    values = {"pending_days": 3, "text_days": 90, "count_days": 200, "identity_days": 365, "case_days": 999}
    consent = CONSENT_NOTICE.format(**values)
    assert "90 天后删除" in consent and "365 天后删除" in consent and "保存 200 天" in consent
    assert "解决 999 天后删除" in consent and "1095" not in consent
    assert "没确认的申请 3 天后删除" in consent and "180" not in consent and "400" not in consent
    assert "90 天后删除" in GROUP_NOTICE.format(name="", **values)


def test_readme_says_what_interaction_records_with_the_configured_defaults() -> None:
    from plugins.core.config import Config as CoreConfig
    from plugins.interaction.config import Config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**记录什么**") : readme.index("**性能与崩溃**")]
    c = Config()
    for setting, default in [
        ("INTERACTION_TEXT_RETENTION_DAYS", c.interaction_text_retention_days),
        ("INTERACTION_ANSWER_WINDOW_HOURS", f"{c.interaction_answer_window_hours:g}"),
        ("PRIVACY_IDENTITY_DAYS", CoreConfig().privacy_identity_days),
        ("INTERACTION_COUNT_RETENTION_DAYS", c.interaction_count_retention_days),
    ]:
        assert f"`{setting}`（默认 {default}）" in section
    assert "QQ 号记为 0" in section and "其中 N 条匿名回复不计人数" in section


def test_readme_states_the_formulas_as_configured() -> None:
    from plugins.evaluation.config import Config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    c = Config()
    assert f"综合** = {c.evaluation_weight_realization:g} × 实现度 ＋ {c.evaluation_weight_activeness:g} × 活跃度" in readme
    assert f"0.2 × 有青年回复的话题数 ÷ {c.evaluation_topics_full}" in readme
    assert f"÷ {c.evaluation_exchanges_full}（封顶 1）" in readme


# Declared for work in progress and not read by any code yet: documented when used.
NOT_YET_USED: set[str] = set()


def test_readme_documents_every_setting() -> None:
    """Every setting of the project's plugins is named in the README (config tables)."""
    import nonebot

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {
        name.upper()
        for plugin in nonebot.get_loaded_plugins()
        if plugin.module_name.startswith("plugins.") and plugin.metadata and plugin.metadata.config
        for name in plugin.metadata.config.model_fields
    }
    assert len(names) > 50
    undocumented = [n for n in names - NOT_YET_USED if f"`{n}`" not in readme and f"`{n}=" not in readme]
    assert sorted(undocumented) == []


def test_help_features_only_commands_that_exist() -> None:
    """/帮助 shows each role's five commands by their declared syntax: a renamed form fails here."""
    from plugins.core.commands import all_forms
    from plugins.core.help import FEATURED, IN_GROUP

    declared = {f.syntax for f in all_forms()}
    featured = [syntax for table in (FEATURED, IN_GROUP) for rows in table.values() for syntax, _ in rows]
    assert [s for s in featured if s not in declared] == []


def test_the_bot_says_ni_never_nin() -> None:
    """One register for everyone, the way well-liked phone notices speak: 你, never 您."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "plugins").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "您" in line
    ]
    assert offenders == []
