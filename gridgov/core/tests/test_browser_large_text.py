"""The phone pages with the system's large-text setting.

On Android, Chrome takes the system's font scale as the browser's default font size; a page
follows it only where its text is sized in rem or em. With the default font size doubled
(16 px → 32 px, as the DevTools protocol's ``Page.setFontSizes`` sets it), the visitor's,
resident's and grid worker's phone pages show every text twice as large as at the default
size, scroll only up and down, and no button, field or label is cut off.
"""

import pytest

from gridgov.accounts.models import NotificationKind
from gridgov.accounts.services import notifications_send
from gridgov.cases import services
from gridgov.cases.tests.test_browser import IN_GRID, PHONE_SIZE, resident_sign_in, staff_sign_in, town  # noqa: F401
from gridgov.catalogue.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The browser's default font sizes (standard, monospace) at 200 %.
LARGE_TEXT = {"standard": 32, "fixed": 26}

#: The font size of every visible element that has text of its own (or is a form control),
#: keyed by its place in the page (tag, classes and position of it and its ancestors).
#: Icons (inside ``aria-hidden``) may keep a fixed size.
TEXT_SIZES = r"""() => {
  const place = el => {
    const parts = [];
    for (let e = el; e !== document.body; e = e.parentElement) {
      const at = Array.prototype.indexOf.call(e.parentElement.children, e);
      parts.unshift(`${e.localName}${[...e.classList].map(c => "." + c).join("")}:${at}`);
    }
    return parts.join(" > ");
  };
  const sizes = {};
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!el.getClientRects().length || box.width <= 1 || box.height <= 1 || getComputedStyle(el).opacity === "0") continue;
    // A letter or sign drawn as an icon (a tile's, the photo tile's "+", the map's zoom) is no text to read.
    if (el.closest("[aria-hidden=true]")) continue;
    const own = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (own || el.matches("input, select, textarea, button")) sizes[place(el)] = parseFloat(getComputedStyle(el).fontSize);
  }
  return sizes;
}"""

#: What is wrong with the page's layout: sideways scrolling, and visible controls or labels
#: outside the screen, cut by a box that hides what overflows it, too small for their text, or
#: showing a placeholder or a choice cut off; a short label broken over lines.
LAYOUT_PROBLEMS = r"""() => {
  const problems = [];
  const width = window.innerWidth;
  const measure = document.createElement("canvas").getContext("2d");
  const name = el => `<${el.localName}${el.className ? ' class="' + el.className + '"' : ""}> "${(el.innerText || el.value || el.placeholder || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${width} px`);
  }
  for (const el of document.querySelectorAll("button, a.btn, input, select, textarea, label, [role=tab], nav a")) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (!el.getClientRects().length || style.visibility === "hidden" || style.opacity === "0") continue;
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden: there for screen readers
    if (el.type === "hidden" || el.type === "file") continue;
    // A bar scrolled sideways on purpose (the main menu, a list's tabs) keeps its links in reach.
    let scroller = null;
    let cut = null;
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const overflow = getComputedStyle(e).overflowX;
      if (overflow === "auto" || overflow === "scroll") { scroller = e; break; }
      if (overflow === "hidden" || overflow === "clip") {
        const outer = e.getBoundingClientRect();
        if (box.left < outer.left - 1 || box.right > outer.right + 1 || box.bottom > outer.bottom + 1) { cut = e; break; }
      }
    }
    if (!scroller && (box.left < -1 || box.right > width + 1)) {
      problems.push(`${name(el)} reaches ${Math.round(box.left)}…${Math.round(box.right)} px of ${width}`);
    }
    if (cut) problems.push(`${name(el)} is cut by <${cut.localName} class="${cut.className}">`);
    if (style.display !== "inline" && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`${name(el)} holds ${el.scrollWidth}×${el.scrollHeight} px of text in ${el.clientWidth}×${el.clientHeight}`);
    }
    // A field's one line (its placeholder while empty, a list's choice) is cut off without an
    // ellipsis to say so.
    const line = el.localName === "select" ? el.selectedOptions[0]?.text : (el.localName === "input" && !el.value ? el.placeholder : "");
    if (line && style.textOverflow !== "ellipsis") {
      measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (measure.measureText(line).width > room + 1) problems.push(`${name(el)} shows "${line}" in ${Math.round(room)} px`);
    }
  }
  // A short label (a button's, a tab's, a link's: six characters at most) is not broken over lines.
  for (const el of document.querySelectorAll("a, button, [role=tab]")) {
    const text = el.innerText.replace(/\s+/g, "");
    if (!text || text.length > 6 || !el.getClientRects().length) continue;
    const rects = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest("[aria-hidden=true]")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
    }
    rects.sort((a, b) => a.top - b.top);
    let lines = 0;
    let bottom = -Infinity;
    for (const r of rects) if (r.top >= bottom - 1) { lines += 1; bottom = r.bottom; } else bottom = Math.max(bottom, r.bottom);
    if (lines > 1) problems.push(`${name(el)} is broken over ${lines} lines`);
  }
  return problems;
}"""


def set_large_text(page):
    """The browser's default font size at 200 %, as a phone's largest system font scale sets it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": LARGE_TEXT})


def font_size(page, selector: str) -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)")


def large_twin(browser_page, page):
    """A second phone of ``page``'s user (its cookies), with the text at 200 %."""
    large = browser_page(viewport=PHONE_SIZE)
    large.context.add_cookies(page.context.cookies())
    set_large_text(large)
    return large


def choose_category(page):
    """违章搭建, whose questions are 是否正在施工 (a switch) and 搭建位置（楼顶、院内、公共绿地等）."""
    page.locator("#id_category").select_option("E0102")
    page.get_by_label("是否正在施工").wait_for()


def large_text_problems(default, large, url: str, then=None) -> list[str]:
    """The same page at both sizes (after ``then(page)`` on each, if given): what does not
    follow the setting, or does not fit with it."""
    for page in (default, large):
        page.goto(url)
        page.wait_for_load_state("load")
        if then is not None:
            then(page)
    problems = []
    root = (font_size(default, "html"), font_size(large, "html"))
    if root != (16, LARGE_TEXT["standard"]):
        problems.append(
            f"{url}: the root font size is {root[0]} px / {root[1]} px, not the browser's 16 px / 32 px"
        )
    body = (font_size(default, "body"), font_size(large, "body"))
    if body[1] != 2 * body[0]:
        problems.append(f"{url}: body text {body[0]} px at the default size, {body[1]} px at 200 %")
    before, after = default.evaluate(TEXT_SIZES), large.evaluate(TEXT_SIZES)
    common = before.keys() & after.keys()
    assert len(common) >= 0.8 * len(before), f"{url}: the page is not the same at both sizes"
    for place in sorted(common):
        if abs(after[place] - 2 * before[place]) > 0.5:
            problems.append(f"{url}: {place} stays {before[place]} px → {after[place]} px")
    problems += [f"{url}: {p}" for p in large.evaluate(LAYOUT_PROBLEMS)]
    return problems


def test_phone_pages_follow_the_large_text_setting(live_server, town, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    base = live_server.url
    # given a case the resident reported, waiting for the grid worker to verify it
    case, _ = services.case_report(
        actor=town.users.resident,
        category=Category.objects.get(code="C0301"),
        description="村口垃圾桶满了没人清，旁边的路灯也坏了好几天，晚上走路看不清",
        lon=IN_GRID[0],
        lat=IN_GRID[1],
    )
    # and a message about it in the resident's inbox
    notifications_send(
        user_ids=[town.users.resident.pk],
        kind=NotificationKind.CASE_UPDATE,
        title="您上报的问题已受理，正在转交承办单位处理",
        body="案件 " + case.number + "：村口垃圾桶满了没人清",
        url=f"/cases/{case.number}/",
        source="test:large-text",
    )
    problems = []
    # when the visitor, the resident and the grid worker open their pages with the text at 200 %
    # then each page's text is twice its default size and fits the phone's width
    visitor = browser_page(viewport=PHONE_SIZE)
    problems += large_text_problems(visitor, large_twin(browser_page, visitor), f"{base}/accounts/login/")

    resident = browser_page(viewport=PHONE_SIZE)
    resident_sign_in(resident, base, expect)
    large = large_twin(browser_page, resident)
    for path in (
        "/",
        "/cases/report/",
        "/cases/mine/",
        f"/cases/{case.number}/",
        "/accounts/inbox/",
        "/wishes/",
    ):
        problems += large_text_problems(resident, large, f"{base}{path}")
    # and the report page with a category's extra questions (a switch, a field with a long label)
    problems += large_text_problems(resident, large, f"{base}/cases/report/", then=choose_category)

    worker = browser_page(viewport=PHONE_SIZE)
    staff_sign_in(worker, base, "mengqian")
    large = large_twin(browser_page, worker)
    for path in ("/", "/cases/queue/to_verify/", f"/cases/{case.number}/", "/cases/patrol/"):
        problems += large_text_problems(worker, large, f"{base}{path}")

    assert problems == [], "\n".join(problems)
    assert not browser_page.problems()
