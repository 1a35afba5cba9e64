"""Seed the reference categories and default SLA policies (data in ``gridgov/catalogue/seed.py``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.catalogue.seed import seed_apply

    seed_apply(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
