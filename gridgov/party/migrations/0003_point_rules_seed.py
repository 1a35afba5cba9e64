from django.db import migrations

from gridgov.party.seed import seed_point_rules


def seed(apps, schema_editor):
    seed_point_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("party", "0002_pairing_points_deputies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
