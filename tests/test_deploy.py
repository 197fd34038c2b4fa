"""The deployment files (deploy/): what can be checked without a Docker engine or systemd.

Not run here: the containers and the unit themselves (README, 部署, says so). Checked:
the files parse, they run the README's command, every name they set is a setting the
bot reads, NapCat gets the bot's address and the shared token, health checks use /healthz.
"""

import json
import re
import shutil
import subprocess
from configparser import ConfigParser

import nonebot
import pytest
import yaml
from nonebot.adapters.onebot.v11.config import Config as OneBotConfig
from nonebot.config import Config as NoneBotConfig
from nonebot.config import Env

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
COMMAND = "scripts/run"  # README, 快速开始


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "lianqing.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def interpolated() -> set[str]:
    """Names compose substitutes (${NAME}, ${NAME:-default}, ${NAME:?error})."""
    return set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def bot_settings() -> set[str]:
    """Every name the bot reads: NoneBot's own, the OneBot adapter's, every plugin's."""
    names = {*NoneBotConfig.model_fields, *Env.model_fields, *OneBotConfig.model_fields}
    for plugin in nonebot.get_loaded_plugins():
        if plugin.metadata is not None and plugin.metadata.config is not None:
            names |= set(plugin.metadata.config.model_fields)
    return {n.upper() for n in names}


class _CaseSensitiveConfig(ConfigParser):
    """Keeps option names as written (systemd's are case-sensitive: ExecStart)."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def test_the_service_and_the_containers_run_the_readmes_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{COMMAND}`" in readme and "## 部署" in readme
    unit = _CaseSensitiveConfig(interpolation=None, strict=False)
    unit.read(DEPLOY / "lianqing.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"] == f"{service['WorkingDirectory']}/{COMMAND}"
    assert service["Restart"] == "always"
    assert compose()["services"]["bot"]["command"] == [COMMAND]
    assert f'CMD ["{COMMAND}"]' in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "deploy/lianqing.service" in readme and "deploy/compose.yaml" in readme


def test_every_name_in_the_env_file_and_compose_is_a_setting_or_a_compose_variable() -> None:
    settings = bot_settings()
    example = env_example()
    variables = interpolated()
    assert {"ONEBOT_ACCESS_TOKEN", "DATABASE_URL", "SUPERUSERS", "LIANQING_METRICS_TOKEN"} <= settings
    assert [n for n in example if n not in settings and n not in variables] == []
    bot = compose()["services"]["bot"]
    assert [n for n in bot["environment"] if n not in settings] == []
    # A variable compose needs without a default must be in the env file.
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    required = {n for n in variables if not re.search(rf"\$\{{{n}:-", text)}
    assert required <= set(example), required - set(example)


def test_napcat_gets_the_bots_address_and_the_shared_token() -> None:
    doc = compose()
    napcat = doc["services"]["napcat"]
    template = napcat["configs"][0]
    assert napcat["environment"]["MODE"] == "lianqing"
    assert template["target"] == "/app/templates/lianqing.json"  # where the image's MODE looks
    content = doc["configs"][template["source"]]["content"]
    assert "${ONEBOT_ACCESS_TOKEN" in content
    values = env_example()
    rendered = re.sub(r"\$\{(\w+)(?::[?-][^}]*)?\}", lambda m: values[m.group(1)], content)
    client = json.loads(rendered)["network"]["websocketClients"][0]
    port = doc["services"]["bot"]["environment"]["PORT"]
    assert client["url"] == f"ws://bot:{port}/onebot/v11/ws"
    assert client["enable"] is True and client["messagePostFormat"] == "array"
    assert client["token"] == values["ONEBOT_ACCESS_TOKEN"]
    assert "ONEBOT_ACCESS_TOKEN" in values  # the bot gets the same value through env_file
    assert doc["services"]["bot"]["env_file"] == "lianqing.env"


def test_health_checks_use_healthz_and_start_in_order() -> None:
    services = compose()["services"]
    assert "/healthz" in " ".join(services["bot"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["bot"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["napcat"]["depends_on"]["bot"]["condition"] == "service_healthy"
    assert all(s["restart"] == "always" for s in services.values())
    # Only loopback ports on the host: the dashboard goes out through a reverse proxy.
    assert all(p.startswith("127.0.0.1:") for s in services.values() for p in s.get("ports", []))


def test_the_env_example_is_ignored_once_filled_in() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "deploy/lianqing.env" in ignored
    assert "deploy/lianqing.env" in (ROOT / ".dockerignore").read_text(encoding="utf-8")
    assert ".env.prod" in (ROOT / ".dockerignore").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_accepts_the_unit(tmp_path) -> None:
    # Pointed at this checkout, as root: only the unit's syntax and keys are checked.
    text = (DEPLOY / "lianqing.service").read_text(encoding="utf-8")
    text = text.replace("/opt/lianqing", str(ROOT))
    text = re.sub(r"^(User|Group)=.*$", r"\1=root", text, flags=re.M)
    unit = tmp_path / "lianqing.service"
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
