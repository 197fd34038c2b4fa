"""/排行 导出: the whole ranking table as .xlsx."""

import secrets
from pathlib import Path

from plugins.core import clock
from plugins.core.xlsx_stream import Book
from plugins.evaluation.evaluate import CadreResult, OrgResult

CATEGORY = {"full_time": "专职", "seconded": "挂职", "organ_part_time": "领导机关兼职", "part_time": "兼职"}
def export_dir() -> Path:
    """Where export files are written: the problem list's folder (REQUESTS_EXPORT_DIR)."""
    from plugins.requests.config import settings

    return Path(settings().requests_export_dir)


def _pct(value: float | None) -> float | str:
    return "样本不足" if value is None else round(value * 100, 1)


def build(title: str, cadres: list[CadreResult], orgs: list[OrgResult]) -> tuple[Path, str]:
    book = Book()
    sheet = book.create_sheet("团干部")
    sheet.append_rows([["编号", "实名", "组织", "类别", "实现度%", "活跃度%", "满意度%", "综合%",
                  "已确认联系", "目标", "抽查回答", "抽查确认", "有回复的话题", "答复青年", "签到",
                  "诉求", "按时答复", "评分数"]])
    rows = []
    for r in sorted(cadres, key=lambda r: -r.measures.composite):
        i, m, c = r.inputs, r.measures, r.cadre
        rows.append([c.id, f"共青团{c.org_name}{c.name}", c.org_name,
                      CATEGORY.get(c.category, c.category),
                      _pct(m.realization), _pct(m.activeness), _pct(m.satisfaction), _pct(m.composite),
                      i.confirmed, i.target, i.spot_answered, i.spot_yes, i.topics_answered, i.exchanges,
                      i.check_ins, i.requests_received, i.requests_on_time, i.ratings])
    sheet.append_rows(rows)
    org_sheet = book.create_sheet("组织")
    org_sheet.append_rows([["编号", "组织", "团干部数", "实现度%", "活跃度%", "满意度%", "综合%"]])
    org_sheet.append_rows([[o.org.id, o.org.name, o.cadres, _pct(o.realization),
                            _pct(o.activeness), _pct(o.satisfaction), _pct(o.composite)] for o in orgs])
    export_dir().mkdir(parents=True, exist_ok=True)
    stamp = clock.to_local(clock.now()).strftime("%Y%m%d%H%M")
    safe = "".join(ch for ch in title if ch not in '\\/:*?"<>|').strip() or "排行"
    name = f"排行_{safe}_{stamp}.xlsx"
    path = (export_dir() / f"ranking-{stamp}-{secrets.token_hex(8)}.xlsx").resolve()
    book.save(path)
    return path, name
