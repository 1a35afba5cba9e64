"""Without a signal: a report, or the grid worker's verification on site, is kept on the phone
(IndexedDB) with its photo and client UUID, listed as waiting, sent by itself when the
connection is back, and done once even when it is sent twice (as after a timeout). The pages
needed in the field (随手拍, the queue's cases) open without a signal from the copy the phone
kept of them."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.cases import services
from gridgov.cases.models import Case, CaseStatus
from gridgov.catalogue.models import Category

from .test_browser import (  # noqa: F401
    IN_GRID,
    PHONE_SIZE,
    case_status,
    menu,
    paving_photo,
    resident_sign_in,
    staff_sign_in,
    town,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COPY_THE_WAITING_REPORT = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("gridgov-outbox", 1);
  open.onsuccess = () => {
    const store = open.result.transaction("reports", "readwrite").objectStore("reports");
    const all = store.getAll();
    all.onsuccess = () => {
      const item = all.result[0];
      store.put(Object.assign({}, item, { id: item.id + "-again", created: item.created + 1 }));
      store.transaction.oncomplete = () => { open.result.close(); resolve(all.result.length); };
    };
  };
  open.onerror = () => reject(open.error);
})"""


IS_KEPT = """url => caches.open("gridgov-pages")
  .then(cache => cache.match(url, { ignoreVary: true })).then(hit => !!hit)"""


def wait_until_kept(page, url: str, seconds: float = 15, kept: bool = True) -> None:
    """The service worker keeps pages as they load (and a list's cases after it), and drops them
    at sign-out: wait for it."""
    deadline = time.monotonic() + seconds
    while page.evaluate(IS_KEPT, url) is not kept:
        assert time.monotonic() < deadline, f"{url} was {'not ' if kept else ''}kept on the phone"
        time.sleep(0.2)


def test_a_report_without_signal_waits_and_is_filed_once_when_back(live_server, town, browser_page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    lon, lat = IN_GRID
    photo = paving_photo(tmp_path / "before.jpg", broken=True)
    page = browser_page(viewport=PHONE_SIZE, geolocation=(lat, lon))
    resident_sign_in(page, live_server.url, expect)
    menu(page, "随手拍").click()
    # given a report filled in while there was signal
    page.get_by_label("照片").set_input_files(photo)
    page.get_by_role("button", name="定位", exact=True).click()
    expect(page.locator("#grid-output")).to_contain_text("张家村")
    page.get_by_role("searchbox", name="搜索问题类别").fill("cz")
    page.get_by_role("listbox").get_by_role("option", name="破损路面/彩砖").click()
    page.get_by_label("破损面积（平方米）").fill("2")
    page.get_by_label("是否影响通行").check()
    page.get_by_label("问题描述").fill("村口彩砖松动，没有信号")
    # when the signal is gone as it is sent
    page.context.set_offline(True)
    page.get_by_role("button", name="提交", exact=True).click()
    # then it is kept on the phone and listed as waiting; nothing reached the server
    outbox = page.locator("section[data-outbox-list]")
    expect(outbox.locator("[data-outbox-note]")).to_contain_text("已保存在手机上")
    expect(outbox.locator(".outbox-item")).to_have_count(1)
    expect(outbox.locator(".outbox-item")).to_contain_text("待发送")
    assert not Case.objects.exists()
    # and, as if a send had timed out and been repeated, the same report waits twice
    assert page.evaluate(COPY_THE_WAITING_REPORT) == 1
    # when the signal comes back
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # then it is sent by itself, filed once, with its photo, and the list is empty
    expect(outbox.locator("[data-outbox-note]")).to_contain_text("已发送")
    expect(outbox.locator(".outbox-item")).to_have_count(0)
    case = Case.objects.get()
    assert (case.description, case.category.code, case.photos.count()) == (
        "村口彩砖松动，没有信号",
        "C0201",
        1,
    )


def test_the_report_page_opens_without_signal_and_its_report_is_sent_later(
    live_server,
    town,  # noqa: F811
    browser_page,
    tmp_path,
):
    from playwright.sync_api import expect

    lon, lat = IN_GRID
    page = browser_page(viewport=PHONE_SIZE, geolocation=(lat, lon))
    resident_sign_in(page, live_server.url, expect)
    # given a resident who opened 随手拍 once with signal
    menu(page, "随手拍").click()
    report_url = f"{live_server.url}/cases/report/"
    wait_until_kept(page, report_url)
    page.goto(f"{live_server.url}/")
    wait_until_kept(page, f"{live_server.url}/")
    # when they open it again in a village without signal
    page.context.set_offline(True)
    page.reload()
    menu(page, "随手拍").click()
    # then the page is there, says there is no signal, and its category search works
    expect(page.get_by_role("heading", level=1)).to_contain_text("随手拍")
    expect(page.get_by_role("main").get_by_role("status").first).to_contain_text("没有网络")
    page.get_by_role("searchbox", name="搜索问题类别").fill("ljmy")
    page.get_by_role("listbox").get_by_role("option", name="垃圾满溢").click()
    # and a report made on it, with a photo and the phone's position, waits on the phone
    page.get_by_label("照片").set_input_files(paving_photo(tmp_path / "bin.jpg", broken=True))
    page.get_by_role("button", name="定位", exact=True).click()
    expect(page.locator("#id_lat")).to_have_value(f"{lat:.6f}")
    page.get_by_label("问题描述").fill("村口垃圾桶满了，没有信号")
    page.get_by_role("button", name="提交", exact=True).click()
    outbox = page.locator("section[data-outbox-list]")
    expect(outbox.locator(".outbox-item")).to_contain_text("待发送")
    assert not Case.objects.exists()
    # when the signal comes back, then it is filed, in the resident's grid
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(outbox.locator("[data-outbox-note]")).to_contain_text("已发送")
    case = Case.objects.get()
    assert (case.category.code, case.grid_id, case.photos.count()) == ("C0301", town.grid.pk, 1)


def test_a_verification_without_signal_waits_and_is_done_once_when_back(
    live_server,
    town,  # noqa: F811
    browser_page,
    tmp_path,
):
    from playwright.sync_api import expect

    lon, lat = IN_GRID
    photo = paving_photo(tmp_path / "before.jpg", broken=True)
    case, _created = services.case_report(
        actor=town.users.resident,
        category=Category.objects.get(code="C0201"),
        description="张家村路边彩砖破啦！",
        lon=lon,
        lat=lat,
        answers={"blocks_traffic": True},
        photos=[SimpleUploadedFile("before.jpg", photo.read_bytes(), "image/jpeg")],
    )
    case_url = f"{live_server.url}/cases/{case.number}/"
    # given the grid worker's queue, opened with signal: the phone keeps its cases' pages
    page = browser_page(viewport=PHONE_SIZE)
    staff_sign_in(page, live_server.url, "mengqian")
    menu(page, "待核实").click()
    wait_until_kept(page, case_url)
    Case.objects.filter(pk=case.pk).update(description="张家村路边彩砖破啦！（已补充）")
    # when she reaches the place, where there is no signal, and opens the case from the queue
    page.context.set_offline(True)
    page.get_by_role("link").filter(has_text="张家村路边彩砖破啦！").click()
    # then the page the phone kept is shown, as it was, and says there is no signal
    expect(page).to_have_url(case_url)
    expect(case_status(page)).to_have_text("待核实")
    expect(page.get_by_text("已补充")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("status").first).to_contain_text("没有网络")
    # when she verifies it there
    page.get_by_role("textbox", name="备注").fill("已到现场核实，彩砖松动属实")
    page.get_by_role("button", name="核实并转报").click()
    # then the verification waits on the phone, named by what it is; the server has not seen it
    outbox = page.locator("section[data-outbox-list]")
    expect(outbox.locator("[data-outbox-note]")).to_contain_text("已保存在手机上")
    expect(outbox.locator(".outbox-item")).to_have_count(1)
    expect(outbox.locator(".outbox-item")).to_contain_text(f"核实并转报 · {case.number}")
    expect(outbox.locator(".outbox-item")).to_contain_text("待发送")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPORTED
    # and, as if a send had timed out and been repeated, it waits twice
    assert page.evaluate(COPY_THE_WAITING_REPORT) == 1
    # when the signal comes back
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # then it is sent by itself and the case is verified once, with her note
    expect(outbox.locator("[data-outbox-note]")).to_contain_text("已发送")
    expect(outbox.locator(".outbox-item")).to_have_count(0)
    case.refresh_from_db()
    assert case.status != CaseStatus.REPORTED
    verified = case.events.get(action="verify")
    assert (verified.note, verified.actor, verified.client_id is not None) == (
        "已到现场核实，彩砖松动属实",
        town.users.grid_worker,
        True,
    )
    # when she signs out, then nothing of hers stays on the phone
    page.get_by_role("button", name="退出").click()
    wait_until_kept(page, case_url, kept=False)
    assert not page.evaluate(IS_KEPT, f"{live_server.url}/cases/queue/to_verify/")
