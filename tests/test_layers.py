"""The layers point one way (issue 14): a command module parses nothing by hand and asks the
database nothing; it calls services. Checked on the source, so a shortcut fails here first."""

import ast

from tests.conftest import ROOT

COMMAND_MODULES = sorted((ROOT / "plugins").glob("*/commands.py"))
ORM_METHODS = {
    "filter", "get", "get_or_none", "get_or_create", "create", "bulk_create", "update_or_create",
    "exclude", "all", "first", "exists", "count", "delete", "save", "fetch_related", "refresh_from_db",
    "values", "values_list", "select_for_update", "annotate",
}
METHODS_ON_ANY_OBJECT = {"fetch_related", "refresh_from_db", "save", "delete"}


def _model_names(tree: ast.Module) -> set[str]:
    """Names a module imported from `models` that are classes (models.enums is fine)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "models":
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_command_modules_never_query_the_database() -> None:
    found = []
    for path in COMMAND_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        models = _model_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            attr, owner = node.func.attr, node.func.value
            on_model = isinstance(owner, ast.Name) and owner.id in models and attr in ORM_METHODS
            if on_model or attr in METHODS_ON_ANY_OBJECT:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{attr}()")
    assert found == []


def test_no_command_module_imports_another_plugins_commands() -> None:
    found = []
    for path in COMMAND_MODULES:
        plugin = path.parent.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".commands"):
                if node.module not in (f"plugins.{plugin}.commands", "plugins.core.commands"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    assert found == []
