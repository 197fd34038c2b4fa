"""Roster import: the organisation tree and the cadres from .xlsx or .csv.

`read_roster` turns files into rows, `plan_roster` checks every row against the
file and the database without writing, `apply_roster` writes the good rows in
one transaction. The CLI and the dashboard both call these; re-importing the
same file changes nothing.
"""

import asyncio
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from tortoise.transactions import in_transaction

from models import Admin, Application, Cadre, Organisation
from models.enums import ApplicationStatus, CadreCategory, CadreSource, OrgLevel
from plugins.core import clock
from plugins.core.actor import SYSTEM, Actor
from plugins.core.errors import UserFacingError
from plugins.core.text import is_number, parse_qq, ref
from plugins.identity import texts
from plugins.identity.orgs import (
    PART_TIME_TARGET,
    check_parent_level,
    compute_target,
    insert_org,
    normalise_org_name,
    parse_level,
    raised_targets,
    real_name,
    validate_org_name,
)
from plugins.identity.registration import parse_category, validate_person_name
from plugins.outbox import enqueue

ORG_COLUMNS = {
    "name": ("组织名称", "组织", "名称"),
    "parent": ("上级组织", "上级"),
    "level": ("层级", "级别"),
    "part_time_target": ("兼职目标", "兼职团干部联系目标"),
    "admins": ("管理员QQ", "管理员"),
}
CADRE_COLUMNS = {
    "name": ("姓名",),
    "org": ("组织", "所在组织", "组织名称"),
    "category": ("类别", "团干部类别"),
    "qq": ("QQ", "QQ号", "qq"),
    "status": ("状态", "在任状态"),
}
STATUS_WORDS = {"": False, "在任": False, "离任": True, "已离任": True}
_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass
class RowError:
    sheet: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet} 第 {self.row} 行：{self.reason}"


@dataclass
class Sheet:
    """One table of the roster: its kind, where it came from, and its rows by line number."""

    kind: str  # "orgs" | "cadres"
    title: str
    rows: list[tuple[int, dict[str, str]]]


@dataclass
class OrgRow:
    row: int
    name: str
    parent: str | None
    level: OrgLevel
    part_time_target: int | None
    admins: list[int]


@dataclass
class CadreRow:
    row: int
    name: str
    org: str
    category: CadreCategory
    qq: int
    left: bool = False
    """状态 离任: the cadre's term ends with this import (no successor)."""


@dataclass
class RosterPlan:
    orgs: list[OrgRow] = field(default_factory=list)
    cadres: list[CadreRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: {"orgs": 0, "cadres": 0, "admins": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"orgs": 0, "cadres": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"orgs": 0, "cadres": 0})
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        c, u, s = self.created, self.updated, self.unchanged
        lines = [
            f"组织：新增 {c['orgs']}，更新 {u['orgs']}，未变 {s['orgs']}",
            f"团干部：新增 {c['cadres']}，更新 {u['cadres']}，未变 {s['cadres']}",
            f"管理员：新增 {c['admins']}",
        ]
        if self.errors:
            lines.append(f"有误的行 {len(self.errors)} 个（未导入）：")
            lines.extend(f"  {e}" for e in self.errors)
        else:
            lines.append("没有有误的行。")
        return "\n".join(lines)


# ---------------------------------------------------------------- reading


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(title: str, raw_rows: list[list[object]]) -> Sheet | None:
    """Find the header row among the first five and name the columns."""
    for index, raw in enumerate(raw_rows[:5]):
        header = [_cell(v).replace(" ", "") for v in raw]
        kind = "orgs" if ("层级" in header or "级别" in header) else (
            "cadres" if "姓名" in header else None
        )
        if kind is None:
            continue
        columns = ORG_COLUMNS if kind == "orgs" else CADRE_COLUMNS
        positions: dict[str, int] = {}
        for key, names in columns.items():
            for i, h in enumerate(header):
                if h in names and key not in positions and i not in positions.values():
                    positions[key] = i
        rows = []
        for line, values in enumerate(raw_rows[index + 1 :], start=index + 2):
            cells = {k: _cell(values[i]) if i < len(values) else "" for k, i in positions.items()}
            if any(cells.values()):
                rows.append((line, cells))
        return Sheet(kind, title, rows)
    return None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserFacingError("CSV 文件编码无法识别，请另存为 UTF-8 编码")


MAX_COLUMNS = 10
MAX_ROWS = 20_000
MAX_UNZIPPED = 100 * 1024 * 1024
"""An .xlsx is a zip: refuse one that would inflate past this (a zip bomb) before parsing it."""


def _csv_rows(name: str, data: bytes) -> list[list[object]]:
    rows: list[list[object]] = []
    try:
        for line, row in enumerate(csv.reader(io.StringIO(_decode(data))), start=1):
            if line > MAX_ROWS + 5:
                raise UserFacingError(f"{name} 第 {line} 行：名册最多 {MAX_ROWS} 行，请分成几个文件导入")
            rows.append(list(row[:MAX_COLUMNS]))
    except csv.Error as e:
        raise UserFacingError(f"{name}：CSV 格式有误（{str(e)[:80]}），请用 Excel 另存为 CSV 或 .xlsx 后重试") from e
    return rows


def _xlsx_rows(name: str, data: bytes) -> list[tuple[str, list[list[object]]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise UserFacingError(f"{name}：文件解压后太大，不像是名册，请检查文件")
    except zipfile.BadZipFile as e:
        raise UserFacingError(f"{name}：不是有效的 .xlsx 文件，请用 Excel 另存为 .xlsx 后重试") from e
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:
        raise UserFacingError(f"无法读取 Excel 文件 {name}，请用 Excel 另存为 .xlsx 后重试") from e
    raw = []
    try:
        for ws in book.worksheets:
            title = f"{name}/{ws.title}"
            claimed = ws.max_row if isinstance(ws.max_row, int) else 0
            if claimed > MAX_ROWS + 5:
                raise UserFacingError(
                    f"{title} 第 {MAX_ROWS + 1} 行起：这张表声称有 {claimed} 行，名册最多 {MAX_ROWS} 行，"
                    "请删去多余的行或分成几个文件导入"
                )
            rows = [list(r) for r in ws.iter_rows(max_row=MAX_ROWS + 6, max_col=MAX_COLUMNS, values_only=True)]
            if len(rows) > MAX_ROWS + 5:
                raise UserFacingError(f"{title} 第 {MAX_ROWS + 1} 行起：名册最多 {MAX_ROWS} 行，请分成几个文件导入")
            raw.append((title, rows))
    except UserFacingError:
        raise
    except Exception as e:  # a malformed cell or sheet: say so, never a server error
        raise UserFacingError(f"{name}：有无法识别的内容，请用 Excel 另存为 .xlsx 后重试") from e
    finally:
        book.close()
    return raw


def read_roster(name: str, data: bytes) -> list[Sheet]:
    """The roster tables in one uploaded or local file (.xlsx or .csv).

    Bounded: at most MAX_COLUMNS columns and MAX_ROWS rows are read, and every
    malformed file gives a readable answer. It is blocking work: the dashboard
    runs it in a thread (`read_roster_off_loop`)."""
    suffix = Path(name).suffix.lower()
    short = Path(name).name
    raw: list[tuple[str, list[list[object]]]] = []
    if suffix == ".csv":
        raw.append((short, _csv_rows(short, data)))
    elif suffix in (".xlsx", ".xlsm"):
        raw.extend(_xlsx_rows(short, data))
    else:
        raise UserFacingError(f"{short}：只支持 .xlsx 或 .csv 文件")
    sheets = [s for title, rows in raw if (s := _table(title, rows)) is not None]
    if not sheets:
        raise UserFacingError(
            f"{Path(name).name}：没有找到表头。组织表须有“组织名称、上级组织、层级”列，"
            "团干部表须有“姓名、组织、类别、QQ”列"
        )
    return sheets


async def read_roster_off_loop(name: str, data: bytes) -> list[Sheet]:
    """`read_roster` in a worker thread: parsing a large workbook never freezes the chat."""
    return await asyncio.to_thread(read_roster, name, data)


# ---------------------------------------------------------------- checking


def _org_rows(sheet: Sheet, plan: RosterPlan, seen: dict[str, OrgRow]) -> None:
    for line, cells in sheet.rows:
        try:
            name = validate_org_name(cells.get("name", ""))
            level = parse_level(cells.get("level", ""))
            parent = normalise_org_name(cells.get("parent", "")) or None
            if parent == name:
                raise UserFacingError("上级组织不能是自己")
            target = None
            if cells.get("part_time_target"):
                if not is_number(cells["part_time_target"]) or int(cells["part_time_target"]) < PART_TIME_TARGET:
                    raise UserFacingError(f"兼职目标须为不小于 {PART_TIME_TARGET} 的整数")
                target = int(cells["part_time_target"])
            admins = []
            for token in _SPLIT.split(cells.get("admins", "")):
                if not token:
                    continue
                qq = parse_qq(token)
                if qq is None:
                    raise UserFacingError(f"管理员QQ“{token[:20]}”不是有效的 QQ 号")
                admins.append(qq)
        except UserFacingError as e:
            plan.errors.append(RowError(sheet.title, line, str(e)))
            continue
        row = OrgRow(line, name, parent, level, target, admins)
        if name in seen:
            first = seen[name]
            if (first.parent, first.level) != (parent, level):
                plan.errors.append(
                    RowError(sheet.title, line, f"组织“{name}”与第 {first.row} 行重复且内容不同")
                )
            continue
        seen[name] = row
        plan.orgs.append(row)


async def _resolve_orgs(plan: RosterPlan, actor: Actor, titles: dict[int, str]) -> None:
    """Order org rows parents-first; drop rows whose parent is unknown or which loop."""
    existing = {o.name: o for o in await Organisation.all()}
    by_name = {r.name: r for r in plan.orgs}
    ordered: list[OrgRow] = []
    state: dict[str, str] = {}  # name -> "ok" | "bad"

    def fail(row: OrgRow, reason: str) -> None:
        state[row.name] = "bad"
        plan.errors.append(RowError(titles[id(row)], row.row, reason))

    def level_of(name: str) -> OrgLevel | None:
        """The parent's level after this import: its row if good, else as stored."""
        if name in by_name and state.get(name) == "ok":
            return by_name[name].level
        if name in existing:
            return OrgLevel(existing[name].level)
        return None

    def visit(row: OrgRow, trail: tuple[str, ...]) -> None:
        if row.name in state:
            return
        if row.name in trail:
            fail(row, "上级关系形成了循环")
            return
        if row.parent is not None:
            if row.parent in by_name:
                visit(by_name[row.parent], (*trail, row.name))
                if row.name in state:  # failed inside a loop
                    return
                if state.get(row.parent) != "ok" and row.parent not in existing:
                    fail(row, f"上级组织“{row.parent}”所在行有误")
                    return
            elif row.parent not in existing:
                fail(row, f"上级组织“{row.parent}”不存在（表中和系统中都没有）")
                return
            parent_level = level_of(row.parent)
            try:
                if parent_level is not None:
                    check_parent_level(row.level, row.parent, parent_level)
            except UserFacingError as e:
                fail(row, str(e))
                return
        old = existing.get(row.name)
        new_parent = existing.get(row.parent) if row.parent else None
        if old is not None and new_parent is not None and new_parent.path.startswith(old.path):
            fail(row, f"不能把“{row.name}”移到它自己的下级“{row.parent}”之下")
            return
        try:
            _check_rights(actor, row, old, existing)
        except UserFacingError as e:
            fail(row, str(e))
            return
        state[row.name] = "ok"
        ordered.append(row)

    for row in list(plan.orgs):
        visit(row, ())
    plan.orgs = ordered


def _check_rights(
    actor: Actor, row: OrgRow, old: Organisation | None, existing: dict[str, Organisation]
) -> None:
    if actor.superuser:
        return
    parent = existing.get(row.parent) if row.parent else None
    if old is not None and not actor.administers(old):
        raise UserFacingError(f"你无权修改组织“{row.name}”")
    if row.parent is None and (old is None or old.parent_id is not None):
        raise UserFacingError("只有超级用户可以导入顶级组织")
    if parent is not None and not actor.administers(parent):
        raise UserFacingError(f"你无权在“{parent.name}”下导入组织")


def _cadre_rows(sheet: Sheet, plan: RosterPlan, seen: dict[int, CadreRow]) -> None:
    for line, cells in sheet.rows:
        try:
            name = validate_person_name(cells.get("name", ""))
            org = normalise_org_name(cells.get("org", ""))
            if not org:
                raise UserFacingError("组织不能为空")
            category = parse_category(cells.get("category", ""))
            qq = parse_qq(cells.get("qq", ""))
            if qq is None:
                raise UserFacingError(f"QQ“{cells.get('qq', '')[:20]}”不是有效的 QQ 号（5–12 位数字）")
            status = cells.get("status", "").strip()
            if status not in STATUS_WORDS:
                raise UserFacingError(f"状态“{status[:10]}”须为 在任 或 离任（不写即在任）")
        except UserFacingError as e:
            plan.errors.append(RowError(sheet.title, line, str(e)))
            continue
        if qq in seen:
            first = seen[qq]
            if (first.name, first.org, first.category) != (name, org, category):
                plan.errors.append(
                    RowError(sheet.title, line, f"QQ {qq} 与第 {first.row} 行重复且内容不同")
                )
            continue
        row = CadreRow(line, name, org, category, qq, STATUS_WORDS[status])
        seen[qq] = row
        plan.cadres.append(row)


async def plan_roster(sheets: list[Sheet], actor: Actor = SYSTEM) -> RosterPlan:
    """Check every row; nothing is written."""
    plan = RosterPlan(sheets=[s.title for s in sheets])
    titles: dict[int, str] = {}
    seen_orgs: dict[str, OrgRow] = {}
    seen_cadres: dict[int, CadreRow] = {}
    cadre_titles: dict[int, str] = {}
    for sheet in sheets:
        if sheet.kind == "orgs":
            before = len(plan.orgs)
            _org_rows(sheet, plan, seen_orgs)
            for row in plan.orgs[before:]:
                titles[id(row)] = sheet.title
        else:
            before = len(plan.cadres)
            _cadre_rows(sheet, plan, seen_cadres)
            for row in plan.cadres[before:]:
                cadre_titles[id(row)] = sheet.title
    await _resolve_orgs(plan, actor, titles)

    planned = {r.name for r in plan.orgs}
    dropped = set(seen_orgs) - planned
    existing = {o.name: o for o in await Organisation.all()}
    owners = await _current_owners([r.qq for r in plan.cadres]) if not actor.superuser else {}
    kept: list[CadreRow] = []
    for row in plan.cadres:
        title = cadre_titles[id(row)]
        org = existing.get(row.org)
        if org is None and row.org not in planned:
            reason = "所在行有误" if row.org in dropped else "不存在"
            plan.errors.append(RowError(title, row.row, f"组织“{row.org[:30]}”{reason}"))
            continue
        new_in_file = org is None
        if not (actor.superuser or new_in_file or actor.administers(org)):
            plan.errors.append(RowError(title, row.row, f"你无权导入“{row.org}”的团干部"))
            continue
        owner = owners.get(row.qq)
        if owner is not None and not actor.administers(owner[0]):
            plan.errors.append(RowError(title, row.row, owner[1]))
            continue
        kept.append(row)
    plan.cadres = kept
    plan.errors.sort(key=lambda e: (e.sheet, e.row))
    return plan


async def _current_owners(qqs: list[int]) -> dict[int, tuple[Organisation, str]]:
    """Where each QQ already belongs: the organisation of its cadre or of its pending application.

    A row for such a QQ would move that person (and what they see) into the
    importer's organisation, so it is refused unless the importer administers
    where they are now; superusers and the CLI (SYSTEM) are not asked."""
    owners: dict[int, tuple[Organisation, str]] = {}
    for i in range(0, len(qqs), 500):
        chunk = qqs[i : i + 500]
        for app in await Application.filter(open_for__in=chunk).prefetch_related("org"):
            owners[app.qq] = (app.org, f"该 QQ 号有待“{app.org.name}”审核的团干部注册申请，不在你管辖的范围内")
        for cadre in await Cadre.filter(qq__in=chunk).prefetch_related("org"):
            owners[cadre.qq] = (cadre.org, f"该 QQ 号是{cadre.org.name}的团干部，不在你管辖的范围内")
    return owners


# ---------------------------------------------------------------- writing


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


async def apply_roster(plan: RosterPlan, *, dry_run: bool = False) -> ImportReport:
    """Write the plan's good rows in one transaction; rows already current stay as they are.

    With dry_run the same work is done and rolled back, so the report is an
    exact preview of what an import would change.
    """
    report = ImportReport(errors=list(plan.errors))
    try:
        async with in_transaction():
            await _write(plan, report, dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


async def _write(plan: RosterPlan, report: ImportReport, dry_run: bool = False) -> None:
    now = clock.now()
    orgs = {o.name: o for o in await Organisation.all()}
    for row in plan.orgs:
        parent = orgs.get(row.parent) if row.parent else None
        org = orgs.get(row.name)
        if org is None:
            org = await insert_org(row.name, row.level, parent, row.part_time_target)
            orgs[row.name] = org
            report.created["orgs"] += 1
        else:
            changed = await _update_org(org, row, parent)
            report.updated["orgs"] += int(changed)
            report.unchanged["orgs"] += int(not changed)
        for qq in row.admins:
            _, created = await Admin.get_or_create(
                qq=qq, org=org, defaults={"created_at": now}
            )
            report.created["admins"] += int(created)
            if created:  # one welcome, queued with the row
                await enqueue(
                    qq, texts.ROSTER_ADMIN.format(org=org.name), category="welcome",
                    dedup_key=f"welcome:admin:{qq}:{org.id}",
                )

    qqs = [r.qq for r in plan.cadres]
    cadres = {c.qq: c for c in await Cadre.filter(qq__in=qqs)}
    pending = set(await Application.filter(open_for__in=qqs).values_list("qq", flat=True))
    raised = await raised_targets()
    for row in plan.cadres:
        org = orgs[row.org]
        cadre = cadres.get(row.qq)
        if row.left:
            if cadre is None:
                report.unchanged["cadres"] += 1  # not (or no longer) a cadre: nothing to end
            else:
                from plugins.contacts.retire import retire  # identity loads before contacts

                await retire(None, cadre, None, update_cache=not dry_run)
                report.updated["cadres"] += 1
            continue
        if cadre is None:
            cadre = await Cadre.create(
                qq=row.qq,
                name=row.name,
                org=org,
                category=row.category.value,
                source=CadreSource.roster.value,
                created_at=now,
                updated_at=now,
            )
            report.created["cadres"] += 1
            target = compute_target(cadre.category, org.path, raised)
            await enqueue(
                cadre.qq,
                texts.ROSTER_CADRE.format(
                    real_name=real_name(org, cadre.name), number=ref(cadre.id), target=target,
                    confirmed=0,
                ),
                category="welcome",
                dedup_key=f"welcome:cadre:{cadre.id}",
            )
        elif (cadre.name, cadre.org_id, cadre.category, cadre.source) != (
            row.name,
            org.id,
            row.category.value,
            CadreSource.roster.value,
        ):
            cadre.name, cadre.org_id, cadre.category = row.name, org.id, row.category.value
            cadre.source, cadre.updated_at = CadreSource.roster.value, now
            await cadre.save()
            report.updated["cadres"] += 1
        else:
            report.unchanged["cadres"] += 1
        if row.qq in pending:
            await Application.filter(open_for=row.qq).update(
                status=ApplicationStatus.approved.value,
                open_for=None,
                reason="已由名册导入确认",
                decided_at=now,
                cadre_id=cadre.id,
            )


async def _update_org(org: Organisation, row: OrgRow, parent: Organisation | None) -> bool:
    """Bring an existing organisation in line with its row; moves carry the subtree."""
    changed = False
    if org.level != row.level.value:
        org.level = row.level.value
        changed = True
    if row.part_time_target is not None and org.part_time_target != row.part_time_target:
        org.part_time_target = row.part_time_target
        changed = True
    new_parent_id = parent.id if parent else None
    if org.parent_id != new_parent_id:
        if parent is not None and parent.path.startswith(org.path):
            raise UserFacingError(f"不能把“{org.name}”移到它自己的下级之下")
        old_path = org.path
        org.parent_id = new_parent_id
        org.path = f"{parent.path if parent else ''}{org.id}/"
        for child in await Organisation.filter(path__startswith=old_path).exclude(id=org.id):
            child.path = org.path + child.path[len(old_path) :]
            await child.save(update_fields=["path"])
        changed = True
    if changed:
        await org.save()
    return changed


async def import_files(paths: list[Path], actor: Actor = SYSTEM, dry_run: bool = False) -> ImportReport:
    """The CLI's entry: read, check and (unless dry_run) write the given files."""
    sheets: list[Sheet] = []
    for path in paths:
        sheets.extend(read_roster(path.name, path.read_bytes()))
    plan = await plan_roster(sheets, actor)
    return await apply_roster(plan, dry_run=dry_run)
