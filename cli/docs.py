"""`python -m cli docs`: the README's command tables, generated from the declarations.

Each plugin's table sits between `<!-- commands:plugins.x -->` and
`<!-- /commands -->`; tests/test_docs.py fails when the README and the
declarations disagree. Loading the command modules needs no NoneBot.
"""

import importlib
import re
from pathlib import Path

from plugins.core.commands import all_commands, markdown_table

COMMAND_MODULES = (
    "plugins.core.help", "plugins.identity.commands", "plugins.outbox.commands", "plugins.contacts.commands",
    "plugins.interaction.commands", "plugins.activities.commands", "plugins.requests.commands",
    "plugins.evaluation.commands", "plugins.dashboard.commands",
)
_BLOCK = re.compile(r"(<!-- commands:([\w.]+) -->\n)(.*?)(\n<!-- /commands -->)", re.S)


def regenerate(readme: Path) -> list[str]:
    """Rewrite every marked table; returns the plugins whose table changed."""
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    known = {c.plugin for c in all_commands()}
    text = readme.read_text(encoding="utf-8")
    changed: list[str] = []

    def fill(m: re.Match[str]) -> str:
        plugin = m.group(2)
        if plugin not in known:
            raise SystemExit(f"README names {plugin}, which declares no commands")
        table = markdown_table(plugin)
        if table != m.group(3):
            changed.append(plugin)
        return m.group(1) + table + m.group(4)

    readme.write_text(_BLOCK.sub(fill, text), encoding="utf-8")
    return changed
