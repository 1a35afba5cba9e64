"""Recount every rollup from the raw rows and report any difference (there must be none)."""

from django.core.management.base import BaseCommand, CommandError

from gridgov.insights.services import rollups_refresh, rollups_verify


class Command(BaseCommand):
    help = "Recount the KPI rollups from the cases and tasks; exit 1 on any difference."

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="bring the rollups up to date first (as the scheduler does)",
        )

    def handle(self, *args, refresh=False, **options):
        if refresh:
            rollups_refresh()
        differences = rollups_verify()
        for day, dimension, key, scope, counter, stored, recounted in differences[:50]:
            self.stdout.write(
                f"{day} {dimension} {key} {scope} {counter}: stored {stored}, recounted {recounted}"
            )
        if differences:
            raise CommandError(f"{len(differences)} difference(s) between the rollups and a recount.")
        self.stdout.write("0 differences: the rollups equal a recount.")
