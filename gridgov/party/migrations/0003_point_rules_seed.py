from django.db import migrations

RULES = (
    ("volunteer_hour", "志愿服务（每小时）", 2),
    ("post_activity", "岗位履职活动", 1),
    ("visit", "中心户入户走访", 1),
    ("wish_fulfilled", "认领并实现微心愿", 5),
    ("adjustment", "人工调整", 1),
)


def seed(apps, schema_editor):
    PointRule = apps.get_model("party", "PointRule")
    for code, name, points in RULES:
        PointRule.objects.get_or_create(code=code, defaults={"name": name, "points": points})


class Migration(migrations.Migration):
    dependencies = [("party", "0002_pairing_points_deputies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
