"""Start-up lines for whoever just ran `scripts/run`: where the dashboard is, and,
on a new installation, how to become its first administrator."""

from models import Organisation

FIRST_ADMIN = (
    "还没有管理员：在 .env.prod 中设置 SUPERUSERS=[\"你的QQ号\"] 后重启，"
    "或用 python -m cli import 名册.xlsx 导入组织和管理员（见 README）"
)


def dashboard_line(base_url: str) -> str:
    return f"管理后台：{base_url.rstrip('/')}/dashboard/"


async def lines(*, base_url: str, superusers: set[str]) -> list[str]:
    found = [dashboard_line(base_url)]
    if not superusers and not await Organisation.exists():
        found.append(FIRST_ADMIN)
    return found
