"""Start-up configuration: the CLI and `tortoise` see the bot's database; bot.py loads
what pyproject.toml declares (so `nb plugin install` works)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nonebot
import pytest

from bot import declared_adapters
from tests.conftest import ROOT

# In a child process started in `root`: the database NoneBot itself gives the core
# plugin (get_plugin_config with the core plugin's field) and the one config/database.py reports.
PROBE = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
import nonebot
from pydantic import BaseModel
nonebot.init()
class Core(BaseModel):
    database_url: str = "sqlite://data/lianqing.sqlite3"
from config.database import database_url
print(json.dumps([nonebot.get_plugin_config(Core).database_url, database_url(Path.cwd())]))
"""


def seen(tmp_path: Path, files: dict[str, str], environ: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", **environ}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT))],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("files", "environ", "expected"),
    [
        ({".env": "DATABASE_URL=sqlite://a.sqlite3\n"}, {}, "sqlite://a.sqlite3"),
        # ENVIRONMENT defaults to prod: .env.prod overrides .env
        ({".env": "DATABASE_URL=sqlite://a.sqlite3\n", ".env.prod": "DATABASE_URL=postgres://p@db/prod\n"}, {}, "postgres://p@db/prod"),
        # ENVIRONMENT named in .env chooses the second file
        ({".env": "ENVIRONMENT=dev\nDATABASE_URL=sqlite://a.sqlite3\n", ".env.prod": "DATABASE_URL=postgres://p@db/prod\n",
          ".env.dev": "database_url=postgres://p@db/dev\n"}, {}, "postgres://p@db/dev"),
        # the process environment overrides both files (and may choose the environment)
        ({".env": "DATABASE_URL=sqlite://a.sqlite3\n", ".env.prod": "DATABASE_URL=postgres://p@db/prod\n"},
         {"DATABASE_URL": "postgres://p@db/env"}, "postgres://p@db/env"),
        ({".env": "DATABASE_URL=sqlite://a.sqlite3\n", ".env.staging": "DATABASE_URL=postgres://p@db/staging\n"},
         {"ENVIRONMENT": "staging"}, "postgres://p@db/staging"),
        # named by no file at all: from the environment, else the default
        ({".env": "HOST=127.0.0.1\n"}, {"DATABASE_URL": "postgres://p@db/only-env"}, "postgres://p@db/only-env"),
        ({".env": "HOST=127.0.0.1\n"}, {}, "sqlite://data/lianqing.sqlite3"),
    ],
    ids=["env-only", "env.prod", "environment-from-dotenv", "process-env", "environment-from-process",
         "no-file", "default"],
)
def test_the_cli_sees_the_database_the_bot_sees(tmp_path, files, environ, expected) -> None:
    bot_sees, cli_sees = seen(tmp_path, files, environ)
    assert bot_sees == expected
    assert cli_sees == expected


def test_the_adapters_and_plugins_loaded_are_those_pyproject_declares() -> None:
    assert declared_adapters() == ["nonebot.adapters.onebot.v11"]
    assert set(nonebot.get_adapters()) == {"OneBot V11"}
    local = {p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()}
    loaded = {p.name for p in nonebot.get_loaded_plugins()}
    assert local <= loaded


def test_a_plugin_installed_with_nb_cli_is_loaded_at_start(tmp_path) -> None:
    """`nb plugin install` writes [tool.nonebot.plugins]; bot.py must load from there."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.nonebot.plugins]\n" in pyproject
    shutil.copy(ROOT / ".env", tmp_path / ".env")
    (tmp_path / "pyproject.toml").write_text(
        pyproject.replace("[tool.nonebot.plugins]\n", '[tool.nonebot.plugins]\nnonebot2 = ["nonebot.plugins.echo"]\n'),
        encoding="utf-8",
    )
    probe = (
        "import sys, os; sys.path.insert(0, sys.argv[1]); import nonebot, bot; from pathlib import Path\n"
        "os.chdir(sys.argv[1]); nonebot.init(); bot.load_declared(Path(sys.argv[2]))\n"
        "print(sorted(p.name for p in nonebot.get_loaded_plugins()), sorted(nonebot.get_adapters()))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "e2e", "LOG_LEVEL": "ERROR"}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT), str(tmp_path / "pyproject.toml")],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    plugins, adapters = done.stdout.strip().splitlines()[-1].rsplit("] [", 1)
    assert "'echo'" in plugins and "'core'" in plugins and "'ops'" in plugins
    assert "OneBot V11" in adapters


def test_the_heap_built_at_start_up_is_left_out_of_full_garbage_collections() -> None:
    """A full collection walking the start-up heap paused the bot for 86 ms (bot.py's docstring):
    the heap is frozen by the last start-up hook, after every plugin's own."""
    probe = (
        "import sys, gc; sys.path.insert(0, sys.argv[1]); import nonebot, bot\n"
        "bot.init(); hooks = nonebot.get_driver()._lifespan._startup_funcs\n"
        "assert hooks[-1] is bot.freeze_startup_heap and gc.get_freeze_count() == 0\n"
        "hooks[-1](); print(gc.get_freeze_count())\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "e2e", "LOG_LEVEL": "ERROR"}
    done = subprocess.run([sys.executable, "-c", probe, str(ROOT)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) > 50_000
