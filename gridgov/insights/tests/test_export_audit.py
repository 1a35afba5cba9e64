"""Exports in the audit log: each download of the monthly report's workbook is recorded, with
whose scope and which month; a refused one is not an export."""

import pytest

from gridgov.core.models import AuditAction, AuditEntry


@pytest.mark.django_db
def test_downloading_the_monthly_workbook_is_an_export_on_record(client, world):
    # given the street's command centre
    client.force_login(world.users.centre)
    # when it downloads the workbook of a month
    response = client.get("/insights/report.xlsx?month=2026-02")
    assert response.status_code == 200
    # then the export is on record: who, which report, scope and month, from where
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == world.users.centre
    assert entry.path == "/insights/report.xlsx"
    assert entry.ip == "127.0.0.1"
    assert (entry.detail["report"], entry.detail["month"]) == ("monthly", "2026-02")
    assert entry.detail["scope"] == world.t.street.path
    # and a refused download (a bad month, no territory) is no export
    assert client.get("/insights/report.xlsx?month=nov").status_code == 400
    client.force_login(world.users.resident)
    assert client.get("/insights/report.xlsx").status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1
