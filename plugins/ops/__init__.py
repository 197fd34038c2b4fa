"""运维: what an operator needs to run the bot as a service.

`GET /healthz` (for Docker, systemd watchdogs, load balancers) and `GET /metrics`
(Prometheus) are served by the bot's own web server, the one the OneBot side
connects to; nothing else has to run. The numbers come from plugins/core/metrics.py
(in-memory counters) and one indexed count of the outbox. The start-up banner
tells a newcomer where the dashboard is and how to become the first administrator.
"""

from plugins.core.plugin import metadata, start
from plugins.ops.config import Config

__plugin_meta__ = metadata("运维", "健康检查 /healthz、Prometheus 指标 /metrics 与启动提示", Config, kind="library")
start(__name__, __plugin_meta__, requires=("plugins.core", "plugins.dashboard"))
