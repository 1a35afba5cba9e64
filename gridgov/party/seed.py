"""The points rules the platform starts with (积分规则): made by a data migration, and again by
the tests' reference data after a transactional test emptied the tables. Administrators
change the points in the admin; an existing rule is never overwritten here."""

RULES = (
    ("volunteer_hour", "志愿服务（每小时）", 2),
    ("post_activity", "岗位履职活动", 1),
    ("visit", "中心户入户走访", 1),
    ("wish_fulfilled", "认领并实现微心愿", 5),
    ("adjustment", "人工调整", 1),
)


def seed_point_rules(apps) -> None:
    """Create the missing rules (``apps``: the migration's or the live registry)."""
    PointRule = apps.get_model("party", "PointRule")
    for code, name, points in RULES:
        PointRule.objects.get_or_create(code=code, defaults={"name": name, "points": points})
