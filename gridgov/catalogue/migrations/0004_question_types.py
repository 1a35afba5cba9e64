"""More types of extra questions (longtext, datetime, multichoice: the Open311 attribute
datatypes), and the seed's first questions of those types added to existing databases (data in
``gridgov/catalogue/seed.py``, ``QUESTIONS_0004``)."""

from django.db import migrations, models


def add_questions(apps, schema_editor):
    from gridgov.catalogue.seed import QUESTIONS_0004, seed_questions_add

    seed_questions_add(apps, QUESTIONS_0004)


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0003_sla_around_the_clock"),
    ]

    operations = [
        migrations.AlterField(
            model_name="category",
            name="questions",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    'A list of {"key", "label", "type": "text" | "longtext" | "number" | "datetime" | '
                    '"yesno" | "choice" | "multichoice", "choices": [...] (choice and multichoice only), '
                    '"required": true | false}.'
                ),
                verbose_name="extra questions",
            ),
        ),
        migrations.RunPython(add_questions, migrations.RunPython.noop),
    ]
