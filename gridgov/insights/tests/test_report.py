"""The monthly report: a printable page and an XLSX workbook of the same figures, for the
scope's readers only; a malformed month is a 400."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.insights.services import rollups_refresh

from .factories import DAY

MONTH = DAY.strftime("%Y-%m")


@pytest.mark.django_db
def test_the_monthly_report_page_and_workbook(client, world, street_month):
    rollups_refresh()
    client.force_login(world.users.county_centre)
    # when the county's centre opens November's report
    page = client.get(f"/insights/report/?month={MONTH}")
    # then it shows the month's figures with their formulas, the units and streets ranked, the
    # top categories and the case that went overdue
    assert page.status_code == 200
    text = page.content.decode()
    assert "盘山县" in text and "响应率" in text and "太平街道城市管理办公室" in text and "太平街道" in text
    assert street_month["d"].number in text
    # and the workbook holds the same figures, sheet by sheet
    response = client.get(f"/insights/report.xlsx?month={MONTH}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{MONTH}.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["指标", "承办单位排名", "区域排名", "问题类别", "超期案件"]
    figures = {row[0]: row[1] for row in book["指标"].iter_rows(min_row=4, values_only=True)}
    assert figures["响应率"] == pytest.approx(3 / 5)
    assert [row[0] for row in book["超期案件"].iter_rows(min_row=2, values_only=True)] == [
        street_month["d"].number
    ]


@pytest.mark.django_db
def test_the_report_is_the_scopes_readers_and_the_month_must_be_a_month(client, world):
    client.force_login(world.users.centre)
    assert client.get(f"/insights/report/?scope={world.t.sibling_street.path}").status_code == 404
    assert client.get("/insights/report/?month=2026-13").status_code == 400
    assert client.get("/insights/report.xlsx?month=nov").status_code == 400
    # an empty month is a report of zeros, not an error
    assert client.get("/insights/report/?month=2020-02").status_code == 200
    client.force_login(world.users.resident)
    assert client.get("/insights/report/").status_code == 403
