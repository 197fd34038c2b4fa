"""What a caller may see is one object (issue 14): its ORM filter, its SQL and `contains`
agree for every kind of caller, and asking outside the subtree is refused the same way."""

import pytest

from models import Organisation
from models.enums import OrgLevel
from plugins.core.actor import load_actor
from plugins.core.errors import Forbidden
from plugins.core.sql import fetch
from plugins.identity.orgs import insert_org
from tests.seed import HANGZHOU_ADMIN, NINGBO_ADMIN, PROVINCE_ADMIN, XIHU_ADMIN, seed_tree


async def test_the_orm_filter_the_sql_and_contains_name_the_same_organisations() -> None:
    tree = await seed_tree()
    # A sibling whose path starts with the same digits must not leak into a subtree.
    for i in range(12):
        await insert_org(f"县{i}", OrgLevel.county, tree.ningbo if i % 2 else tree.hangzhou)
    everyone = await Organisation.all()
    for qq, superuser in ((PROVINCE_ADMIN, False), (HANGZHOU_ADMIN, False), (NINGBO_ADMIN, False),
                          (XIHU_ADMIN, False), (1, True), (2, False)):
        actor = await load_actor(qq, superuser=superuser)
        scope = actor.scope()
        by_orm = set(await Organisation.filter(scope.q()).values_list("id", flat=True))
        where, params = scope.sql("o.path")
        by_sql = {r["id"] for r in await fetch(f"SELECT o.id AS id FROM organisation o WHERE {where}", *params)}
        by_contains = {o.id for o in everyone if scope.contains(o)}
        assert by_orm == by_sql == by_contains, qq
    hangzhou_admin = await load_actor(HANGZHOU_ADMIN)
    assert {o.id for o in await Organisation.filter(hangzhou_admin.scope().q())} >= {tree.hangzhou.id, tree.xihu.id}
    assert tree.ningbo.id not in set(await Organisation.filter(hangzhou_admin.scope().q()).values_list("id", flat=True))
    with pytest.raises(Forbidden, match="宁波市委"):
        hangzhou_admin.scope(tree.ningbo)
    assert hangzhou_admin.scope(tree.xihu).roots == (tree.xihu,)
