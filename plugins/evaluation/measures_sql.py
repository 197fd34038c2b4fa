"""The measures of formulas.py as SQL over the summary rows: aggregates of many cadres in the
database instead of a Python object per cadre.

The province's overview evaluated all 10,000 cadres in Python to average them by
sub-organisation (0.34-0.41 s of its 1.1 s on SQLite, 2026-11-30, bench data of
bench/evaluation.py), and its figures read the same 10,000 rows again. Here each cadre's
target, realization, activeness, satisfaction and composite are columns of one query
(`per_cadre`), so that grouping, averaging and sorting are SQL (`AVG`, `ORDER BY … LIMIT`).

formulas.py stays the definition: the same operations in the same order (so the same
IEEE doubles), with tests comparing both on generated inputs (tests/test_summary.py).
A single cadre's page and /评估 of one cadre still use formulas.py with its explanation.
"""

from dataclasses import dataclass

from models import Organisation
from plugins.core.sql import fetch
from plugins.evaluation import summary
from plugins.evaluation.config import Config
from plugins.evaluation.inputs import SUMMARY_COLUMNS, Scope, evaluated
from plugins.identity.orgs import FULL_TARGET, PART_TIME_TARGET

REAL = "DOUBLE PRECISION"
"""A double on both databases (SQLite gives any type naming DOUB real affinity)."""


def _real(expr: str) -> str:
    return f"CAST({expr} AS {REAL})"


def _at_most_one(expr: str) -> str:
    return f"(CASE WHEN {expr} > 1.0 THEN 1.0 ELSE {expr} END)"


async def target_sql(category: str = "c.category", path: str = "o.path") -> tuple[str, list]:
    """`compute_target` as a CASE: 100, or for part-time cadres the raise of the nearest
    organisation above that raised it (few do), deepest first, else 10."""
    raised = await Organisation.filter(part_time_target__isnull=False).values_list("path", "part_time_target")
    whens, params = [], []
    for org_path, target in sorted(raised, key=lambda r: -len(r[0])):
        if target:
            whens.append(f"WHEN {path} LIKE ? THEN {max(PART_TIME_TARGET, int(target))}")
            params.append(org_path + "%")
    return (f"(CASE WHEN {category} <> 'part_time' THEN {FULL_TARGET} {' '.join(whens)} "
            f"ELSE {PART_TIME_TARGET} END)"), params


def inputs_sql(summary: str = "s") -> str:
    """The summary's input columns, 0 for a cadre without a row."""
    return ", ".join(f"COALESCE({summary}.{n}, 0) AS {n}" for n in SUMMARY_COLUMNS)


def measures_sql(c: Config) -> tuple[str, list]:
    """realization, activeness, satisfaction (NULL: too few ratings) and composite over the
    columns of `inputs_sql` and `target` (in an inner query)."""
    realization = (f"({_at_most_one(_real('confirmed') + ' / target')} * "
                   f"(CASE WHEN spot_answered >= ? THEN {_real('spot_yes')} / spot_answered ELSE 1.0 END))")
    # Whole numbers of the settings go into the text (an expression `_at_most_one` repeats);
    # weights are bound.
    parts = [
        (_at_most_one(f"{_real('topics_answered')} / {int(c.evaluation_topics_full)}"), c.evaluation_part_topics),
        (_at_most_one(f"{_real('exchanges + check_ins')} / {int(c.evaluation_exchanges_full)}"),
         c.evaluation_part_exchanges),
        (f"(CASE WHEN requests_received > 0 THEN {_real('requests_on_time')} / requests_received ELSE 1.0 END)",
         c.evaluation_part_requests),
        ("(CASE WHEN recent_activities > 0 THEN 1.0 ELSE 0.0 END)", c.evaluation_part_activity),
        ("(CASE WHEN face_to_face_year > 0 THEN 1.0 ELSE 0.0 END)", c.evaluation_part_face_to_face),
    ]
    activeness = "((" + " + ".join(f"{expr} * ?" for expr, _ in parts) + ") / ?)"
    activeness_params = [w for _, w in parts] + [sum(w for _, w in parts)]
    satisfaction = (f"(CASE WHEN ratings >= ? AND ratings > 0 THEN "
                    f"({_real('rating_sum')} / ratings - 1.0) / 4.0 ELSE NULL END)")
    sql = f"{realization} AS realization, {activeness} AS activeness, {satisfaction} AS satisfaction"
    return sql, [c.evaluation_spot_min_answers, *activeness_params, c.evaluation_satisfaction_min]


def composite_sql(c: Config) -> tuple[str, list]:
    """The composite over `realization`, `activeness`, `satisfaction` (an inner query's)."""
    wr, wa, ws = c.evaluation_weight_realization, c.evaluation_weight_activeness, c.evaluation_weight_satisfaction
    return ("(CASE WHEN satisfaction IS NULL THEN (realization * ? + activeness * ?) / ? "
            "ELSE (realization * ? + activeness * ? + satisfaction * ?) / ? END) AS composite",
            [wr, wa, wr + wa, wr, wa, ws, wr + wa + ws])


async def per_cadre(c: Config, where: str, params: list, columns: str = "") -> tuple[str, list]:
    """A query with a row per cadre matching `where` (over c, o and s: cadre, organisation,
    cadre_summary), its `columns` and target, inputs and the four measures: select from it.
    The summary is refreshed first if it is due (summary.ensure_fresh)."""
    await summary.ensure_fresh()
    target, target_params = await target_sql()
    measures, measures_params = measures_sql(c)
    composite, composite_params = composite_sql(c)
    inner = (f"SELECT c.id AS id, {columns + ', ' if columns else ''}{target} AS target, {inputs_sql()} "
             "FROM cadre c JOIN organisation o ON o.id = c.org_id LEFT JOIN cadre_summary s ON s.cadre_id = c.id "
             f"WHERE {where}")
    middle = f"SELECT m.*, {measures} FROM ({inner}) m"
    return (f"SELECT x.*, {composite} FROM ({middle}) x",
            [*composite_params, *measures_params, *target_params, *params])


def group_case(groups: list[Organisation], path: str = "path") -> tuple[str, list]:
    """The id of the group (an organisation's subtree) holding each row by its `path`, NULL for
    none. Ids come from the database and are written into the text; paths are bound."""
    if not groups:
        return "NULL", []
    whens = " ".join(f"WHEN {path} LIKE ? THEN {int(g.id)}" for g in groups)
    return f"(CASE {whens} ELSE NULL END)", [g.path + "%" for g in groups]


MEAN_SUMS = ("COUNT(*) AS evaluated, SUM(realization) AS realization, SUM(activeness) AS activeness, "
             "COUNT(satisfaction) AS rated, SUM(satisfaction) AS satisfaction, SUM(composite) AS composite")
"""The aggregates `Means.of_row` reads (over `per_cadre`'s rows)."""


@dataclass
class Means:
    """Sums of the four measures over evaluated cadres, for their means: satisfaction over the
    cadres with enough ratings (none: None, 样本不足), as evaluate.aggregate averages them."""

    cadres: int = 0
    realization_sum: float = 0.0
    activeness_sum: float = 0.0
    rated: int = 0
    satisfaction_sum: float = 0.0
    composite_sum: float = 0.0

    @classmethod
    def of_row(cls, r: dict) -> "Means":
        return cls(int(r["evaluated"] or 0), float(r["realization"] or 0), float(r["activeness"] or 0),
                   int(r["rated"] or 0), float(r["satisfaction"] or 0), float(r["composite"] or 0))

    def add(self, other: "Means") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def realization(self) -> float | None:
        return _mean(self.realization_sum, self.cadres)

    @property
    def activeness(self) -> float | None:
        return _mean(self.activeness_sum, self.cadres)

    @property
    def satisfaction(self) -> float | None:
        return _mean(self.satisfaction_sum, self.rated)

    @property
    def composite(self) -> float | None:
        return _mean(self.composite_sum, self.cadres)


def _mean(total: float, n: int) -> float | None:
    return total / n if n else None


async def means_by_group(c: Config, scope: Scope, groups: list[Organisation]) -> dict[int | None, Means]:
    """The measures' sums over the cadres evaluated now in `scope`, by the group holding them
    (None: in no group); groups without cadres are absent."""
    where, params = evaluated(scope)
    query, query_params = await per_cadre(c, where, params, "o.path AS path")
    group, group_params = group_case(groups)
    rows = await fetch(
        f"SELECT grp, {MEAN_SUMS} FROM (SELECT y.*, {group} AS grp FROM ({query}) y) z GROUP BY grp",
        *group_params, *query_params,
    )
    return {(int(r["grp"]) if r["grp"] is not None else None): Means.of_row(r) for r in rows}


MEASURE_NAMES = ("realization", "activeness", "satisfaction", "composite")


@dataclass
class Placed:
    id: int
    name: str
    org_name: str
    value: float | None


@dataclass
class Extremes:
    cadres: int
    """Cadres evaluated in the scope."""
    top: list[Placed]
    """The first `n` by the measure (highest first; None last; equal values by number)."""
    bottom: list[Placed]
    """The last `n`, lowest first: the ranking's tail read backwards."""


async def extremes(c: Config, scope: Scope, measure: str, n: int) -> Extremes:
    """The head and tail of the ranking of the cadres evaluated now in `scope` by `measure`,
    as sorting them all by `-evaluate.sort_key` (stable, by number) would give. Two ORDER BY …
    LIMIT: 0.08 s for the province on SQLite, where ROW_NUMBER() over both orders took 0.16 s."""
    if measure not in MEASURE_NAMES:
        raise ValueError(measure)
    where, params = evaluated(scope)
    query, query_params = await per_cadre(c, where, params, "c.name AS name, o.name AS org_name")
    value = f"COALESCE({measure}, -1.0)"
    ends = []
    for order in (f"{value} DESC, id", f"{value}, id DESC"):
        rows = await fetch(
            f"SELECT id, name, org_name, {measure} AS value FROM ({query}) r ORDER BY {order} LIMIT {int(n)}",
            *query_params,
        )
        ends.append([Placed(r["id"], r["name"], r["org_name"], None if r["value"] is None else float(r["value"]))
                     for r in rows])
    total = await fetch(
        f"SELECT COUNT(*) AS n FROM cadre c JOIN organisation o ON o.id = c.org_id WHERE {where}", *params)
    return Extremes(int(total[0]["n"]), ends[0], ends[1])
