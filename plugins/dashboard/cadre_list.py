"""The cadre list: search, filters and sort over the per-cadre figures."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from models.enums import CADRE_CATEGORY_LABELS
from plugins.core.text import parse_qq, parse_ref
from plugins.dashboard import figures, measures
from plugins.dashboard.figures import CadreFigures
from plugins.dashboard.tables import Table
from plugins.dashboard.web import int_or_none

COLUMNS = [
    "编号", "姓名", "组织", "类别", "QQ", "已确认联系", "目标", "差距", "本季度活动", "今年面对面",
    "近30天交流", "未办结诉求", "超时未答复", *measures.MEASURE_COLUMNS,
]
SORTS = {
    "org": "组织",
    "name": "姓名",
    "confirmed": "已确认联系",
    "gap": "差距",
    "exchanges": "近30天交流",
    "overdue": "超时未答复",
    "composite": "综合",
}
CATEGORIES = {k.value: v for k, v in CADRE_CATEGORY_LABELS.items()}


@dataclass
class CadreQuery:
    org_id: int | None = None
    q: str = ""
    category: str = ""
    below: bool = False
    no_activity: bool = False
    overdue: bool = False
    sort: str = "org"
    desc: bool = False

    def params(self) -> dict[str, str]:
        """The non-personal filters as query parameters (the search text never goes in a URL)."""
        out = {}
        if self.org_id:
            out["org"] = str(self.org_id)
        if self.category:
            out["category"] = self.category
        for name in ("below", "no_activity", "overdue", "desc"):
            if getattr(self, name):
                out[name] = "1"
        if self.sort != "org":
            out["sort"] = self.sort
        return out


def _flag(value: object) -> bool:
    return str(value or "") in ("1", "on", "true", "yes")


def parse(values: Mapping, *, allow_search: bool) -> CadreQuery:
    category = str(values.get("category") or "")
    sort = str(values.get("sort") or "org")
    return CadreQuery(
        org_id=int_or_none(values.get("org")),
        q=str(values.get("q") or "").strip()[:40] if allow_search else "",
        category=category if category in CATEGORIES else "",
        below=_flag(values.get("below")),
        no_activity=_flag(values.get("no_activity")),
        overdue=_flag(values.get("overdue")),
        sort=sort if sort in SORTS else "org",
        desc=_flag(values.get("desc")),
    )


def _matches(f: CadreFigures, q: CadreQuery) -> bool:
    if q.category and f.category != q.category:
        return False
    if q.below and not f.below:
        return False
    if q.no_activity and f.quarter_activities:
        return False
    if q.overdue and not f.overdue_cases:
        return False
    if q.q:
        number = parse_ref(q.q)
        qq = parse_qq(q.q)
        if not (q.q in f.name or (number is not None and number == f.id) or (qq is not None and qq == f.qq)):
            return False
    return True


def _key(q: CadreQuery, found: dict[int, measures.Measures]):
    def composite(f: CadreFigures) -> float:
        m = found.get(f.id)
        return m.composite if m and m.composite is not None else -1.0

    keys = {
        "org": lambda f: ([int(x) for x in f.path.split("/") if x], f.id),
        "name": lambda f: (f.name, f.id),
        "confirmed": lambda f: (f.confirmed, f.id),
        "gap": lambda f: (f.gap, f.id),
        "exchanges": lambda f: (f.exchanges, f.id),
        "overdue": lambda f: (f.overdue_cases, f.id),
        "composite": lambda f: (composite(f), f.id),
    }
    return keys[q.sort]


async def build(paths: list[str] | None, q: CadreQuery, limit: int | None = None) -> Table:
    """The filtered, sorted list: every row, or the first `limit` (a page; `total` counts all).

    Sorted by composite, every cadre's measures are needed (read together with the figures:
    on PostgreSQL, on two connections); otherwise only the rows shown are measured. Measuring
    and writing out all 10,000 of a province for a page of 50 took 0.4-0.5 s."""
    if q.sort == "composite" or limit is None:
        everyone, found = await asyncio.gather(figures.cadre_figures(paths), measures.for_subtree(paths))
        chosen = [f for f in everyone if _matches(f, q)]
        chosen.sort(key=_key(q, found), reverse=q.desc)
        listed = chosen if limit is None else chosen[:limit]
    else:
        chosen = [f for f in await figures.cadre_figures(paths) if _matches(f, q)]
        chosen.sort(key=_key(q, {}), reverse=q.desc)
        listed = chosen[:limit]
        found = await measures.for_cadres([f.id for f in listed])
    rows = [
        [f.id, f.name, f.org_name, f.category_label, f.qq, f.confirmed, f.target, f.gap,
         f.quarter_activities, f.face_to_face, f.exchanges, f.open_cases, f.overdue_cases,
         *measures.row(found.get(f.id))]
        for f in listed
    ]
    return Table("团干部", COLUMNS, rows, [f"/dashboard/cadres/{f.id}" for f in listed], link_col=1,
                 total=len(chosen))


async def page(paths: list[str] | None, q: CadreQuery, limit: int) -> Table:
    """What the page shows (in a worker process: routes_cadres.py)."""
    return await build(paths, q, limit)


async def tables(paths: list[str] | None, q: CadreQuery) -> list[Table]:
    """What the download holds (in a worker process)."""
    return [await build(paths, q)]
