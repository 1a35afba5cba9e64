"""A report made without a signal: kept on the phone (IndexedDB) with its photo and client UUID,
listed as waiting, sent by itself when the connection is back, and filed once even when it is
sent twice (as after a timeout)."""

import pytest

from gridgov.cases.models import Case

from .test_browser import IN_GRID, PHONE_SIZE, menu, paving_photo, resident_sign_in, town  # noqa: F401

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
    outbox = page.locator("section[data-outbox]")
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
