"""The access-control table: every URL pattern of the project and every operation of the platform
API, requested by every role of the scene (``scene.py``) on a record in its scope and on one
out of it, with the status each must get.

Given the scene's two streets (太平街道 in scope, 高升街道 the other) and one signed-in client
per role, when a route of the table is requested, then each role gets its status: a page
needing a sign-in sends the anonymous visitor to the sign-in page, the API answers them 401;
a record out of a role's scope is missing to it (404); a record it sees but may not act on or
a kind of work it does not do is forbidden (403); what it may do goes through (``ok``: the
workflow may still refuse the step for its own reasons). Status words: ``access_table.py``.

The Django admin is Django's own, with its own staff check: its patterns are one group whose
rule is "everyone but staff is sent to the admin's sign-in page", checked on a few
representative admin URLs. Every other route must have its row: the table test fails when a
route or operation exists that the table does not list, and when the table lists one that no
longer exists.
"""

import pytest

from .access_table import (
    Row,
    api_operations,
    api_route_as_openapi,
    matches,
    scene,  # noqa: F401  (the fixture)
    statuses,
    url_patterns,
)
from .scene import ROLES, jpeg


def today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


# Roles, in the order of every status string:
# anonymous resident other_resident grid_worker other_grid_worker centre other_centre unit leader
# member secretary admin

TABLE = {
    "home": Row("/", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "manifest": Row("/manifest.webmanifest", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "service_worker": Row("/sw.js", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "offline": Row("/offline/", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "set_language": Row(
        "/i18n/setlang/",
        "ok ok ok ok ok ok ok ok ok ok ok ok",
        method="post",
        body={"language": "zh-hans", "next": "/"},
        form=True,
    ),
    "accounts:login": Row("/accounts/login/", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "accounts:logout": Row(
        "/accounts/logout/", "ok ok ok ok ok ok ok ok ok ok ok ok", method="post", body={}, form=True
    ),
    "accounts:login_totp": Row("/accounts/login/code/", "302 302 302 302 302 302 302 302 302 302 302 302"),
    "accounts:totp": Row("/accounts/two-factor/", "L 404 404 404 404 200 200 404 404 404 404 200"),
    "accounts:password_change": Row("/accounts/password/", "L 200 200 200 200 200 200 200 200 200 200 200"),
    "accounts:inbox": Row("/accounts/inbox/", "L 200 200 200 200 200 200 200 200 200 200 200"),
    "accounts:inbox_read_all": Row(
        "/accounts/inbox/read-all/", "L ok ok ok ok ok ok ok ok ok ok ok", method="post", body={}, form=True
    ),
    "accounts:inbox_read": Row(
        "/accounts/inbox/{notification}/read/",
        "L ok 404 404 404 404 404 404 404 404 404 404",
        other="L 404 404 404 404 404 404 404 404 404 404 404",
        method="post",
        body={},
        form=True,
    ),
    "orgs:index": Row("/orgs/", "L 200 200 302 302 302 302 302 302 302 302 302"),
    "orgs:unit": Row(
        "/orgs/{street}/",
        "L 404 404 404 404 200 404 200 200 404 404 200",
        other="L 404 404 404 404 404 200 404 404 404 404 200",
    ),
    "cases:index": Row("/cases/", "L 302 302 302 302 302 302 302 302 302 302 302"),
    "cases:report": Row("/cases/report/", "L 200 200 200 200 200 200 200 200 200 200 200"),
    "cases:patrol": Row("/cases/patrol/", "L 403 403 200 200 403 403 403 403 403 403 403"),
    "cases:hotline": Row("/cases/hotline/", "L 403 403 403 403 200 200 403 403 403 403 403"),
    "cases:mine": Row("/cases/mine/", "L 200 200 200 200 200 200 200 200 200 200 200"),
    "cases:queue": (
        Row("/cases/queue/to_verify/", "L 403 403 200 200 403 403 403 403 403 403 200"),
        Row("/cases/queue/incoming/", "L 403 403 403 403 200 200 403 403 403 403 200"),
    ),
    "cases:all": Row("/cases/all/", "L 403 403 200 200 200 200 403 200 403 403 200"),
    "cases:tasks": Row("/cases/tasks/", "L 403 403 403 403 403 403 200 403 403 403 403"),
    "cases:whistle": Row("/cases/whistle/", "L 403 403 403 403 200 200 403 403 403 403 403"),
    "cases:directive": Row("/cases/directive/", "L 403 403 403 403 403 403 403 403 403 403 403"),
    "cases:demand": Row("/cases/demand/", "L 403 403 403 403 403 403 403 403 403 403 403"),
    "cases:task_act": Row(
        "/cases/tasks/{task}/sign/",
        "L 403 404 403 404 403 404 ok 403 404 404 403",
        other="L 404 403 404 403 404 403 404 404 404 404 403",
        method="post",
        body={},
        form=True,
    ),
    "cases:detail": (
        Row(
            "/cases/{case}/",
            "L 200 404 200 404 200 404 200 200 404 404 200",
            other="L 404 200 404 200 404 200 404 404 404 404 200",
        ),
        # a 12345 call entered by the centre: not dispatched, no reporter among the roles
        Row("/cases/{hotline}/", "L 404 404 200 404 200 404 404 200 404 404 200"),
    ),
    "cases:board": Row("/cases/{directive}/board/", "L 404 404 404 404 404 404 404 404 404 404 200"),
    "cases:act": Row(
        "/cases/{case}/urge/",
        "L 403 404 403 404 ok 404 403 403 404 404 403",
        other="L 404 403 404 403 404 ok 404 404 404 404 403",
        method="post",
        body={"level": "general", "note": "请加快"},
        form=True,
    ),
    "insights:dashboard": Row("/insights/", "L 403 403 200 200 200 200 403 200 403 403 200"),
    "insights:report": Row("/insights/report/", "L 403 403 200 200 200 200 403 200 403 403 200"),
    "insights:screen": Row("/insights/screen/", "L 403 403 200 200 200 200 403 200 403 403 200"),
    "insights:report_xlsx": Row("/insights/report.xlsx", "L 403 403 200 200 200 200 403 200 403 403 200"),
    "wishes:wall": Row("/wishes/", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "wishes:claim_many": Row(
        "/wishes/claim/",
        "L 403 403 403 403 403 403 403 403 409 403 403",
        other="L 403 403 403 403 403 403 403 403 ok 403 403",
        method="post",
        body={"wish_ids": ["{wish}"]},
        form=True,
    ),
    "wishes:mine": Row("/wishes/mine/", "L 200 200 403 403 403 403 403 403 200 403 403"),
    "wishes:review": Row("/wishes/review/", "L 403 403 200 200 403 403 403 403 403 200 200"),
    "wishes:new": Row("/wishes/new/", "L 200 200 200 200 403 403 403 403 403 403 200"),
    "wishes:fulfil": Row(
        "/wishes/pledges/{pledge}/fulfil/",
        "L 404 404 404 404 404 404 404 404 400 404 404",
        other="L 404 404 404 404 404 404 404 404 404 404 404",
        method="post",
        body={"note": "已送达", "photo": jpeg},
        form=True,
    ),
    "wishes:withdraw": Row(
        "/wishes/pledges/{pledge}/withdraw/",
        "L 404 404 404 404 404 404 404 404 ok 404 404",
        other="L 404 404 404 404 404 404 404 404 404 404 404",
        method="post",
        body={},
        form=True,
    ),
    "wishes:claim": Row(
        "/wishes/{wish}/claim/",
        "L 403 403 403 403 403 403 403 403 409 403 403",
        other="L 403 403 403 403 403 403 403 403 ok 403 403",
        method="post",
        body={"units": "1"},
        form=True,
    ),
    "wishes:review_wish": Row(
        "/wishes/{wish}/review/",
        "L 403 403 403 403 403 403 403 403 403 409 409",
        other="L 403 403 403 403 403 403 403 403 403 403 409",
        method="post",
        body={"decision": "approve"},
        form=True,
    ),
    "wishes:confirm": Row(
        "/wishes/{wish}/confirm/",
        "L 403 403 409 403 403 403 403 403 403 403 409",
        other="L 403 403 403 409 403 403 403 403 403 403 409",
        method="post",
        body={},
        form=True,
    ),
    "wishes:thank": Row(
        "/wishes/{wish}/thank/",
        "L 403 403 409 403 403 403 403 403 403 403 409",
        other="L 403 403 403 409 403 403 403 403 403 403 409",
        method="post",
        body={"text": "谢谢"},
        form=True,
    ),
    "party:home": Row("/party/", "L 403 403 200 200 403 403 403 200 200 200 200"),
    "party:code": Row(
        "/party/activities/{activity}/code/",
        "L 404 404 404 404 404 404 404 403 403 200 200",
        other="L 404 404 404 404 404 404 404 404 404 404 200",
    ),
    "party:act": Row(
        "/party/activities/{activity}/signup/",
        "L 403 403 404 404 403 403 403 403 ok 403 403",
        other="L 403 403 404 404 403 403 403 404 404 404 403",
        method="post",
        body={},
        form=True,
    ),
    "party:visit_case": Row(
        "/party/visits/{visit}/case/",
        "L 403 403 ok 404 403 403 403 403 ok ok ok",
        other="L 403 403 404 ok 403 403 403 404 404 404 ok",
        method="post",
        body={"category": "C0301"},
        form=True,
    ),
    "open311:root": Row("/open311/v2/", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "open311:discovery": Row("/open311/v2/discovery.json", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "open311:services": Row("/open311/v2/services.json", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "open311:service": Row(
        "/open311/v2/services/{category}.json", "200 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "open311:requests": Row("/open311/v2/requests.json", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "open311:request": Row(
        "/open311/v2/requests/{case}.json",
        "200 200 200 200 200 200 200 200 200 200 200 200",
        other="200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "open311:token": Row("/open311/v2/tokens/3f9a.json", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "open311:updates": Row(
        "/open311/v2/servicerequestupdates.json", "200 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "open311:media": Row(
        "/open311/v2/media/{photo}.jpg",
        "200 200 200 200 200 200 200 200 200 200 200 200",
        other="200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "api:openapi-json": Row("/api/openapi.json", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api:openapi-view": Row("/api/docs", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api:api-root": Row("/api/", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "GET /api/orgs/me": Row("/api/orgs/me", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "GET /api/orgs/units": Row("/api/orgs/units", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "GET /api/orgs/units/{path}": Row(
        "/api/orgs/units/{street}",
        "401 404 404 404 404 200 404 200 200 404 404 200",
        other="401 404 404 404 404 404 200 404 404 404 404 200",
    ),
    "GET /api/orgs/units/{path}/children": Row(
        "/api/orgs/units/{street}/children",
        "401 404 404 404 404 200 404 200 200 404 404 200",
        other="401 404 404 404 404 404 200 404 404 404 404 200",
    ),
    "GET /api/geo/locate": Row(
        "/api/geo/locate?lon=121.995&lat=41.245", "401 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "GET /api/geo/grids": Row(
        "/api/geo/grids?within={street}",
        "401 200 200 200 200 200 200 200 200 200 200 200",
        other="401 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "POST /api/cases/": Row(
        "/api/cases/",
        "401 ok ok ok ok ok ok ok ok ok ok ok",
        method="post",
        body={"category": "C0301", "description": "垃圾满溢", "lon": 121.995, "lat": 41.245},
    ),
    "GET /api/cases/": Row("/api/cases/", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "POST /api/cases/whistles": Row(
        "/api/cases/whistles",
        "401 403 403 403 403 400 400 403 403 403 403 403",
        other="401 403 403 403 403 400 400 403 403 403 403 403",
        method="post",
        body={"title": "吹哨", "category": "C0301", "description": "请住建局到场", "unit_ids": ["{office}"]},
    ),
    "GET /api/cases/whistle-units": Row(
        "/api/cases/whistle-units", "401 403 403 403 403 200 200 403 403 403 403 403"
    ),
    "POST /api/cases/directives": Row(
        "/api/cases/directives",
        "401 403 403 403 403 403 403 403 403 403 403 403",
        method="post",
        body={"title": "排查", "category": "W0101", "description": "排查", "unit_kinds": ["street_office"]},
    ),
    "GET /api/cases/{number}/board": Row(
        "/api/cases/{directive}/board", "401 404 404 404 404 404 404 404 404 404 404 200"
    ),
    "GET /api/cases/photos/{photo_id}": Row(
        "/api/cases/photos/{photo}",
        "401 200 404 200 404 200 404 200 200 404 404 200",
        other="401 404 200 404 200 404 200 404 404 404 404 200",
    ),
    "GET /api/cases/{number}": (
        Row(
            "/api/cases/{case}",
            "401 200 404 200 404 200 404 200 200 404 404 200",
            other="401 404 200 404 200 404 200 404 404 404 404 200",
        ),
        Row("/api/cases/{hotline}", "401 404 404 200 404 200 404 404 200 404 404 200"),
    ),
    "POST /api/cases/{number}/photos": Row(
        "/api/cases/{case}/photos",
        "401 400 404 403 404 403 404 403 403 404 404 403",
        other="401 404 400 404 403 404 403 404 404 404 404 403",
        method="post",
        body={"photos": jpeg},
        form=True,
    ),
    "POST /api/cases/{number}/verify": Row(
        "/api/cases/{case}/verify",
        "401 403 404 409 404 403 404 403 403 404 404 403",
        other="401 404 403 404 409 404 403 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/cases/{number}/accept": Row(
        "/api/cases/{case}/accept",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/cases/{number}/reject": Row(
        "/api/cases/{case}/reject",
        "401 403 404 409 404 409 404 403 403 404 404 403",
        other="401 404 403 404 409 404 409 404 404 404 404 403",
        method="post",
        body={"reason": "重复"},
    ),
    "POST /api/cases/{number}/merge": Row(
        "/api/cases/{case}/merge",
        "401 403 404 403 404 409 404 400 403 404 404 403",
        other="401 404 400 404 400 404 400 404 404 404 404 403",
        method="post",
        body={"into": "{reported}"},
    ),
    "POST /api/cases/{number}/moderate": Row(
        "/api/cases/{case}/moderate",
        "401 403 404 403 404 ok 404 403 403 404 404 403",
        other="401 404 403 404 403 404 ok 404 404 404 404 403",
        method="post",
        body={"public_text": "路面塌陷", "note": "去掉门牌"},
    ),
    "POST /api/cases/{number}/dispatch": Row(
        "/api/cases/{case}/dispatch",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={"unit_ids": ["{office}"]},
    ),
    "POST /api/cases/{number}/check": Row(
        "/api/cases/{case}/check",
        "401 403 404 409 404 409 404 403 403 404 404 403",
        other="401 404 403 404 409 404 409 404 404 404 404 403",
        method="post",
        body={"passed": "true"},
        form=True,
    ),
    "POST /api/cases/{number}/close": Row(
        "/api/cases/{case}/close",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/cases/{number}/rate": Row(
        "/api/cases/{case}/rate",
        "401 409 404 403 404 409 404 403 403 404 404 403",
        other="401 404 409 404 403 404 409 404 404 404 404 403",
        method="post",
        body={"rating": "satisfied"},
    ),
    "POST /api/cases/{number}/resolve": Row(
        "/api/cases/{case}/resolve",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={"note": "已电话答复"},
    ),
    "POST /api/cases/{number}/reopen": Row(
        "/api/cases/{case}/reopen",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={"reason": "没修好"},
    ),
    "POST /api/cases/{number}/escalate": Row(
        "/api/cases/{case}/escalate",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={"reason": "需要县里协调"},
    ),
    "POST /api/cases/{number}/handback": Row(
        "/api/cases/{case}/handback",
        "401 403 404 403 404 409 404 403 403 404 404 403",
        other="401 404 403 404 403 404 409 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/cases/{number}/supervise": Row(
        "/api/cases/{case}/supervise",
        "401 403 404 403 404 ok 404 403 403 404 404 403",
        other="401 404 403 404 403 404 ok 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/cases/{number}/urge": Row(
        "/api/cases/{case}/urge",
        "401 403 404 403 404 ok 404 403 403 404 404 403",
        other="401 404 403 404 403 404 ok 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/cases/{number}/withdraw": Row(
        "/api/cases/{case}/withdraw",
        "401 409 404 403 404 403 404 403 403 404 404 403",
        other="401 404 409 404 403 404 403 404 404 404 404 403",
        method="post",
        body={"reason": "已自行解决"},
    ),
    "GET /api/cases/{number}/dispatch-units": Row(
        "/api/cases/{case}/dispatch-units",
        "401 404 404 404 404 404 404 404 404 404 404 404",
        other="401 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "GET /api/tasks/": Row("/api/tasks/", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "GET /api/tasks/{task_id}": Row(
        "/api/tasks/{task}",
        "401 200 404 200 404 200 404 200 200 404 404 200",
        other="401 404 200 404 200 404 200 404 404 404 404 200",
    ),
    "POST /api/tasks/{task_id}/sign": Row(
        "/api/tasks/{task}/sign",
        "401 403 404 403 404 403 404 ok 403 404 404 403",
        other="401 404 403 404 403 404 403 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/tasks/{task_id}/return": Row(
        "/api/tasks/{task}/return",
        "401 403 404 403 404 403 404 ok 403 404 404 403",
        other="401 404 403 404 403 404 403 404 404 404 404 403",
        method="post",
        body={"reason": "不属于本单位"},
    ),
    "POST /api/tasks/{task_id}/finish": Row(
        "/api/tasks/{task}/finish",
        "401 400 404 400 404 400 404 400 400 404 404 400",
        other="401 404 400 404 400 404 400 404 404 404 404 400",
        method="post",
        body={"note": "已修复", "photos": jpeg},
        form=True,
    ),
    "POST /api/tasks/{task_id}/supervise": Row(
        "/api/tasks/{task}/supervise",
        "401 403 404 403 404 ok 404 403 403 404 404 403",
        other="401 404 403 404 403 404 ok 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/tasks/{task_id}/urge": Row(
        "/api/tasks/{task}/urge",
        "401 403 404 403 404 ok 404 403 403 404 404 403",
        other="401 404 403 404 403 404 ok 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/tasks/{task_id}/assess": Row(
        "/api/tasks/{task}/assess",
        "401 409 404 409 404 409 404 409 409 404 404 409",
        other="401 404 409 404 409 404 409 404 404 404 404 409",
        method="post",
        body={"rating": "satisfied"},
    ),
    "POST /api/tasks/{task_id}/assess_request": Row(
        "/api/tasks/{task}/assess_request",
        "401 409 404 409 404 409 404 409 409 404 404 409",
        other="401 404 409 404 409 404 409 404 404 404 404 409",
        method="post",
        body={"rating": "satisfied"},
    ),
    "POST /api/tasks/{task_id}/extension_request": Row(
        "/api/tasks/{task}/extension_request",
        "401 403 404 403 404 403 404 ok 403 404 404 403",
        other="401 404 403 404 403 404 403 404 404 404 404 403",
        method="post",
        body={"days": 2, "reason": "材料未到"},
    ),
    "POST /api/tasks/{task_id}/extension_approve": Row(
        "/api/tasks/{task}/extension_approve",
        "401 409 404 409 404 409 404 409 409 404 404 409",
        other="401 404 409 404 409 404 409 404 404 404 404 409",
        method="post",
        body={},
    ),
    "POST /api/tasks/{task_id}/extension_refuse": Row(
        "/api/tasks/{task}/extension_refuse",
        "401 409 404 409 404 409 404 409 409 404 404 409",
        other="401 404 409 404 409 404 409 404 404 404 404 409",
        method="post",
        body={"reason": "不同意"},
    ),
    "GET /api/accounts/notifications": Row(
        "/api/accounts/notifications", "401 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "GET /api/accounts/notifications/unread": Row(
        "/api/accounts/notifications/unread", "401 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "POST /api/accounts/notifications/{notification_id}/read": Row(
        "/api/accounts/notifications/{notification}/read",
        "401 ok 404 404 404 404 404 404 404 404 404 404",
        other="401 404 404 404 404 404 404 404 404 404 404 404",
        method="post",
        body={},
    ),
    "POST /api/accounts/notifications/read": Row(
        "/api/accounts/notifications/read", "401 ok ok ok ok ok ok ok ok ok ok ok", method="post", body={}
    ),
    "GET /api/catalogue/categories": Row(
        "/api/catalogue/categories", "401 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "GET /api/catalogue/categories/{code}": Row(
        "/api/catalogue/categories/{category}", "401 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "GET /api/enterprises/": Row("/api/enterprises/", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "POST /api/enterprises/": Row(
        "/api/enterprises/",
        "401 403 403 403 403 ok 403 403 ok 403 403 ok",
        other="401 403 403 403 403 403 ok 403 403 403 403 ok",
        method="post",
        body={
            "name": "张家村豆腐坊",
            "uscc": "92211122MA0XW9DL7B",
            "industry": "C",
            "size": "micro",
            "org_unit": "{village}",
        },
    ),
    "GET /api/enterprises/{enterprise_id}": Row(
        "/api/enterprises/{enterprise}",
        "401 404 404 404 404 200 404 404 200 404 404 200",
        other="401 404 404 404 404 404 200 404 404 404 404 200",
    ),
    "PATCH /api/enterprises/{enterprise_id}": Row(
        "/api/enterprises/{enterprise}",
        "401 404 404 404 404 ok 404 404 ok 404 404 ok",
        other="401 404 404 404 404 404 ok 404 404 404 404 ok",
        method="patch",
        body={"address": "张家村6组"},
    ),
    "PUT /api/enterprises/{enterprise_id}/liaison": Row(
        "/api/enterprises/{enterprise}/liaison",
        "401 404 404 404 404 ok 404 404 ok 404 404 ok",
        other="401 404 404 404 404 404 ok 404 404 404 404 ok",
        method="put",
        body={"liaison_id": None},
    ),
    "GET /api/party/members": Row("/api/party/members", "401 403 403 200 200 403 403 403 200 200 200 200"),
    "POST /api/party/members": Row(
        "/api/party/members",
        "401 403 403 403 403 403 403 403 403 403 ok ok",
        other="401 403 403 403 403 403 403 403 403 403 403 ok",
        method="post",
        body={"name": "孙桂香", "gender": "female", "organisation_id": "{branch}", "grid": "{grid}"},
    ),
    "GET /api/party/members/{member_id}": Row(
        "/api/party/members/{member}",
        "401 404 404 200 404 404 404 404 200 200 200 200",
        other="401 404 404 404 200 404 404 404 404 404 404 200",
    ),
    "PATCH /api/party/members/{member_id}": Row(
        "/api/party/members/{member}",
        "401 404 404 403 404 404 404 404 403 403 ok ok",
        other="401 404 404 404 403 404 404 404 404 404 404 ok",
        method="patch",
        body={"education": "college"},
    ),
    "POST /api/party/members/{member_id}/reveal": Row(
        "/api/party/members/{member}/reveal",
        "401 404 404 403 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 403 404 404 404 404 404 404 ok",
        method="post",
        body={"field": "phone", "reason": "上门走访需要联系"},
    ),
    "POST /api/party/registrations": Row(
        "/api/party/registrations",
        "401 403 403 400 403 403 403 403 400 400 400 409",
        other="401 403 403 400 403 403 403 403 400 400 400 ok",
        method="post",
        body={"member_id": "{other_member}", "community": "{village}"},
    ),
    "GET /api/party/registrations": Row(
        "/api/party/registrations?community={village}",
        "401 403 403 403 403 403 403 403 403 403 200 200",
        other="401 403 403 403 403 403 403 403 403 403 403 200",
    ),
    "POST /api/party/registrations/{registration_id}/grid": Row(
        "/api/party/registrations/{registration}/grid",
        "401 404 404 404 404 404 404 404 404 404 400 400",
        other="401 404 404 404 404 404 404 404 404 404 400 400",
        method="post",
        body={"grid": "{other_grid}"},
    ),
    "GET /api/party/central-households": Row(
        "/api/party/central-households", "401 403 403 200 200 403 403 403 200 200 200 200"
    ),
    "POST /api/party/central-households": Row(
        "/api/party/central-households",
        "401 403 403 403 403 403 403 403 403 403 409 409",
        other="401 403 403 403 403 403 403 403 403 403 400 409",
        method="post",
        body={"member_id": "{member}"},
    ),
    "GET /api/party/central-households/{central_id}": Row(
        "/api/party/central-households/{central}",
        "401 404 404 200 404 404 404 404 200 200 200 200",
        other="401 404 404 404 200 404 404 404 404 404 404 200",
    ),
    "POST /api/party/central-households/{central_id}/households": Row(
        "/api/party/central-households/{central}/households",
        "401 404 404 ok 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 ok 404 404 404 404 404 404 ok",
        method="post",
        body={"head": "侯巨", "address": "张家村5组8号"},
    ),
    "DELETE /api/party/households/{household_id}": Row(
        "/api/party/households/{household}",
        "401 404 404 ok 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 ok 404 404 404 404 404 404 ok",
        method="delete",
    ),
    "POST /api/party/households/{household_id}/reveal": Row(
        "/api/party/households/{household}/reveal",
        "401 404 404 ok 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 ok 404 404 404 404 404 404 ok",
        method="post",
        body={"field": "phone", "reason": "上门走访需要联系"},
    ),
    "POST /api/party/visits": Row(
        "/api/party/visits",
        "401 404 404 ok 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 ok 404 404 404 404 404 404 ok",
        method="post",
        body={"central_id": "{central}", "household_id": "{household}", "visited_on": today, "asked": "问候"},
    ),
    "POST /api/party/visits/{visit_id}/case": Row(
        "/api/party/visits/{visit}/case",
        "401 404 404 ok 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 ok 404 404 404 404 404 404 ok",
        method="post",
        body={"category": "C0301"},
    ),
    "GET /api/party/posts": Row("/api/party/posts", "401 403 403 200 200 403 403 403 200 200 200 200"),
    "POST /api/party/posts": Row(
        "/api/party/posts",
        "401 403 403 403 403 403 403 403 403 403 ok ok",
        other="401 403 403 403 403 403 403 403 403 403 403 ok",
        method="post",
        body={"organisation_id": "{branch}", "kind": "policy", "name": "政策宣传岗", "duties": "宣讲"},
    ),
    "POST /api/party/posts/{post_id}/take": Row(
        "/api/party/posts/{post}/take",
        "401 404 404 404 404 404 404 404 400 409 400 400",
        other="401 404 404 404 404 404 404 404 404 404 404 400",
        method="post",
        body={},
    ),
    "POST /api/party/post-holders/{holder_id}/leave": Row(
        "/api/party/post-holders/{holder}/leave",
        "401 404 404 404 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 404 404 404 404 404 404 404 ok",
        method="post",
        body={},
    ),
    "POST /api/party/post-holders/{holder_id}/activities": Row(
        "/api/party/post-holders/{holder}/activities",
        "401 404 404 404 404 404 404 404 403 ok ok ok",
        other="401 404 404 404 404 404 404 404 404 404 404 ok",
        method="post",
        body={"on": today, "hours": "2", "summary": "看望老人"},
    ),
    "GET /api/party/figures": Row(
        "/api/party/figures?scope={village}",
        "401 403 403 404 404 403 403 403 200 403 200 200",
        other="401 403 403 404 404 403 403 403 404 403 404 200",
    ),
    "GET /api/party/figures/organisations": Row(
        "/api/party/figures/organisations?scope={village}",
        "401 403 403 404 404 403 403 403 200 403 200 200",
        other="401 403 403 404 404 403 403 403 404 403 404 200",
    ),
    "GET /api/party/pairings": Row(
        "/api/party/pairings?scope={village}",
        "401 403 403 404 404 403 403 403 200 403 200 200",
        other="401 403 403 404 404 403 403 403 404 403 404 200",
    ),
    "POST /api/party/pairings": Row(
        "/api/party/pairings",
        "401 403 403 403 403 403 403 403 403 403 ok ok",
        other="401 403 403 403 403 403 403 403 403 403 403 ok",
        method="post",
        body={"organisation_id": "{other_branch}", "community": "{village}"},
    ),
    "GET /api/party/activities": Row(
        "/api/party/activities", "401 403 403 200 200 403 403 403 200 200 200 200"
    ),
    "POST /api/party/activities": Row(
        "/api/party/activities",
        "401 403 403 403 403 403 403 403 403 403 ok ok",
        other="401 403 403 403 403 403 403 403 403 403 403 ok",
        method="post",
        body={
            "organisation_id": "{branch}",
            "place": "{village}",
            "title": "清雪",
            "location": "村委会",
            "starts_at": "2030-01-05T09:00:00+08:00",
            "ends_at": "2030-01-05T11:00:00+08:00",
            "slots": 5,
        },
    ),
    "GET /api/party/activities/{activity_id}": Row(
        "/api/party/activities/{activity}",
        "401 404 404 404 404 404 404 404 200 200 200 200",
        other="401 404 404 404 404 404 404 404 404 404 404 200",
    ),
    "POST /api/party/activities/{activity_id}/cancel": Row(
        "/api/party/activities/{activity}/cancel",
        "401 404 404 404 404 404 404 404 403 403 ok ok",
        other="401 404 404 404 404 404 404 404 404 404 404 ok",
        method="post",
        body={},
    ),
    "GET /api/party/activities/{activity_id}/code": Row(
        "/api/party/activities/{activity}/code",
        "401 404 404 404 404 404 404 404 403 403 200 200",
        other="401 404 404 404 404 404 404 404 404 404 404 200",
    ),
    "GET /api/party/activities/{activity_id}/signups": Row(
        "/api/party/activities/{activity}/signups",
        "401 404 404 404 404 404 404 404 403 403 200 200",
        other="401 404 404 404 404 404 404 404 404 404 404 200",
    ),
    "POST /api/party/activities/{activity_id}/signup": Row(
        "/api/party/activities/{activity}/signup",
        "401 404 404 404 404 404 404 404 403 ok 403 403",
        other="401 404 404 404 404 404 404 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/party/activities/{activity_id}/signup/cancel": Row(
        "/api/party/activities/{activity}/signup/cancel",
        "401 404 404 404 404 404 404 404 403 409 403 403",
        other="401 404 404 404 404 404 404 404 404 404 404 403",
        method="post",
        body={},
    ),
    "POST /api/party/activities/{activity_id}/check-in": Row(
        "/api/party/activities/{activity}/check-in",
        "401 404 404 404 404 404 404 404 403 400 403 403",
        other="401 404 404 404 404 404 404 404 404 404 404 403",
        method="post",
        body={"code": "000000"},
    ),
    "POST /api/party/activities/{activity_id}/check-out": Row(
        "/api/party/activities/{activity}/check-out",
        "401 404 404 404 404 404 404 404 403 400 403 403",
        other="401 404 404 404 404 404 404 404 404 404 404 403",
        method="post",
        body={"code": "000000"},
    ),
    "GET /api/party/members/{member_id}/points": Row(
        "/api/party/members/{member}/points",
        "401 404 404 200 404 404 404 404 200 200 200 200",
        other="401 404 404 404 200 404 404 404 404 404 404 200",
    ),
    "POST /api/party/members/{member_id}/points": Row(
        "/api/party/members/{member}/points",
        "401 404 404 403 404 404 404 404 403 403 ok ok",
        other="401 404 404 404 403 404 404 404 404 404 404 ok",
        method="post",
        body={"points": 2, "reason": "补记"},
    ),
    "GET /api/party/rankings": Row(
        "/api/party/rankings?scope={village}",
        "401 403 403 404 404 403 403 403 200 403 200 200",
        other="401 403 403 404 404 403 403 403 404 403 404 200",
    ),
    "GET /api/wishes/public": Row("/api/wishes/public", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "POST /api/wishes/": Row(
        "/api/wishes/",
        "401 ok ok ok 403 403 403 403 403 403 403 404",
        other="401 ok ok 403 ok 403 403 403 403 403 403 404",
        method="post",
        body={
            "title": "轮椅一辆",
            "category": "necessities",
            "group": "elderly_alone",
            "description": "老人行动不便",
            "beneficiary_name": "侯巨",
            "beneficiary_phone": "13904300003",
            "beneficiary_address": "张家村5组8号",
            "grid": "{grid}",
        },
    ),
    "GET /api/wishes/": Row("/api/wishes/", "401 200 200 200 200 403 403 403 200 403 200 200"),
    "GET /api/wishes/figures": Row("/api/wishes/figures", "401 403 403 200 200 403 403 403 200 403 200 200"),
    "GET /api/wishes/pledges/mine": Row(
        "/api/wishes/pledges/mine", "401 200 200 200 200 200 200 200 200 200 200 200"
    ),
    "POST /api/wishes/claims": Row(
        "/api/wishes/claims",
        "401 403 403 403 403 403 403 403 403 409 403 403",
        other="401 403 403 403 403 403 403 403 403 ok 403 403",
        method="post",
        body={"wish_ids": ["{wish}"]},
    ),
    "POST /api/wishes/pledges/{pledge_id}/withdraw": Row(
        "/api/wishes/pledges/{pledge}/withdraw",
        "401 404 404 404 404 404 404 404 404 ok 404 404",
        other="401 404 404 404 404 404 404 404 404 404 404 404",
        method="post",
        body={},
    ),
    "POST /api/wishes/pledges/{pledge_id}/fulfil": Row(
        "/api/wishes/pledges/{pledge}/fulfil",
        "401 404 404 404 404 404 404 404 404 400 404 404",
        other="401 404 404 404 404 404 404 404 404 404 404 404",
        method="post",
        body={"note": "已送达", "photo": jpeg},
        form=True,
    ),
    "GET /api/wishes/{wish_id}": Row(
        "/api/wishes/{wish}",
        "401 200 200 200 200 200 200 200 200 200 200 200",
        other="401 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "POST /api/wishes/{wish_id}/reveal": Row(
        "/api/wishes/{wish}/reveal",
        "401 403 403 ok 403 403 403 403 403 403 ok ok",
        other="401 403 403 403 ok 403 403 403 403 403 403 ok",
        method="post",
        body={"field": "beneficiary_phone", "reason": "送达需要联系"},
    ),
    "POST /api/wishes/{wish_id}/review": Row(
        "/api/wishes/{wish}/review",
        "401 403 403 403 403 403 403 403 403 403 409 409",
        other="401 403 403 403 403 403 403 403 403 403 403 409",
        method="post",
        body={"approve": True},
    ),
    "POST /api/wishes/{wish_id}/claim": Row(
        "/api/wishes/{wish}/claim",
        "401 403 403 403 403 403 403 403 403 409 403 403",
        other="401 403 403 403 403 403 403 403 403 ok 403 403",
        method="post",
        body={"units": 1},
    ),
    "POST /api/wishes/{wish_id}/confirm": Row(
        "/api/wishes/{wish}/confirm",
        "401 409 403 409 403 403 403 403 403 403 403 409",
        other="401 403 409 403 409 403 403 403 403 403 403 409",
        method="post",
        body={},
    ),
    "POST /api/wishes/{wish_id}/thank": Row(
        "/api/wishes/{wish}/thank",
        "401 409 403 409 403 403 403 403 403 403 403 409",
        other="401 403 409 403 409 403 403 403 403 403 403 409",
        method="post",
        body={"text": "谢谢"},
    ),
    "GET /api/insights/kpis": Row(
        "/api/insights/kpis?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
    "GET /api/insights/breakdown": Row(
        "/api/insights/breakdown?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
    "GET /api/insights/rankings": Row(
        "/api/insights/rankings?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
    "GET /api/insights/red-list": Row(
        "/api/insights/red-list?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
    "GET /api/insights/units/{unit_id}": Row(
        "/api/insights/units/{office}",
        "401 403 403 404 404 200 404 200 200 403 403 200",
        other="401 403 403 404 404 404 200 404 404 403 403 200",
    ),
    "GET /api/insights/series": Row(
        "/api/insights/series?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
    "GET /api/insights/live": Row(
        "/api/insights/live?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
    "GET /api/insights/screen": Row(
        "/api/insights/screen?scope={street}",
        "401 403 403 404 404 200 404 403 200 403 403 200",
        other="401 403 403 404 404 404 200 403 404 403 403 200",
    ),
}

#: The Django admin: non-staff (every role but the administrator) → the admin's sign-in page.
ADMIN_URLS = ("/admin/", "/admin/cases/case/", "/admin/party/partymember/", "/admin/accounts/user/")
ADMIN_EXPECT = "A A A A A A A A A A A 200"


def uncovered(table: dict) -> tuple[set[str], set[str]]:
    """(routes the table does not list, entries of the table that are no route): every URL
    pattern's name (the admin's are one group, below) and every API operation. The API's own URL
    patterns are its operations, but for the schema and docs views, which are pages of the table."""
    operations = api_operations()
    routes = set(operations)
    for name, route in url_patterns():
        if name.startswith("admin:"):
            continue
        if name.startswith("api:") and any(
            op.split(" ", 1)[1] == api_route_as_openapi(route) for op in operations
        ):
            continue
        routes.add(name)
    return routes - set(table), set(table) - routes


def test_the_table_lists_every_route_and_nothing_else():
    # given every URL pattern and API operation of the project
    # when they are compared with the table
    missing, stale = uncovered(TABLE)
    # then each has its row, and each row is a route
    assert not missing, f"routes without a row in the access table: {sorted(missing)}"
    assert not stale, f"rows of the access table that are no route: {sorted(stale)}"


def test_a_route_left_out_of_the_table_is_named():
    # given the table without the case page's row and with a row for a page that does not exist
    table = {k: v for k, v in TABLE.items() if k != "cases:detail"}
    table["cases:gone"] = TABLE["cases:detail"]
    # when it is compared with the routes, then both are named
    missing, stale = uncovered(table)
    known_missing, known_stale = uncovered(TABLE)
    assert (missing - known_missing, stale - known_stale) == ({"cases:detail"}, {"cases:gone"})


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_the_admin_sends_everyone_but_staff_to_its_sign_in(scene, url):  # noqa: F811
    # when every role opens a representative admin page
    # then only the administrator sees it; everyone else is sent to the admin's sign-in page
    wrong = [
        f"{role}: {response.status_code} {response.get('Location', '')}"
        for role, word in zip(ROLES, statuses(ADMIN_EXPECT), strict=True)
        if not matches(word, response := scene.clients.request(role, "get", url))
    ]
    assert not wrong, f"GET {url}: " + "; ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(TABLE))
def test_access(scene, key):  # noqa: F811
    # given a route of the table and its rows
    rows = TABLE[key] if isinstance(TABLE[key], tuple) else (TABLE[key],)
    wrong = []
    for row in rows:
        for which, url, body, expect in row.requests(scene.ids):
            # when each role requests it, on the record in scope and on the other
            for role, word in zip(ROLES, statuses(expect), strict=True):
                response = scene.clients.request(role, row.method, url, body, row.form)
                # then each gets the status of the table
                if not matches(word, response):
                    got = response.status_code
                    if got in (301, 302):
                        got = f"{got} → {response['Location']}"
                    wrong.append(
                        f"{row.method.upper()} {url} ({which}) as {role}: expected {word}, got {got}"
                    )
    assert not wrong, "\n".join(wrong)
