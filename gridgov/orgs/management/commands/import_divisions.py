from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import ValidationFailed
from gridgov.orgs.models import Level
from gridgov.orgs.services import divisions_import


class Command(BaseCommand):
    help = (
        "Import the national statistical division codes of one or more Liaoning cities "
        "(e.g. 2111 盘锦市, 2103 鞍山市) into the territory tree. Idempotent, all-or-nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("city_codes", nargs="+", metavar="CITY_CODE")

    def handle(self, *args, city_codes, **options):
        try:
            report = divisions_import(city_codes=city_codes)
        except ValidationFailed as exc:
            details = " ".join(str(m) for messages in exc.fields.values() for m in messages)
            raise CommandError(f"{exc.message} {details} Nothing was imported.") from exc
        for level in Level:
            created, updated = report.created.get(level, 0), report.updated.get(level, 0)
            if created or updated:
                self.stdout.write(f"{level.label}: {created} created, {updated} updated")
        for change in report.changes:
            self.stdout.write(f"  updated {change}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {report.total_created}, updated {report.total_updated}, unchanged {report.unchanged}."
            )
        )
