"""Seed the work calendar with the State Council holiday schedules in data/work_calendar_cn.json
(2022–2026). Idempotent: days are created or updated by date, so it can run again."""

from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.core.calendar import load_work_calendar

    load_work_calendar(model=apps.get_model("core", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
