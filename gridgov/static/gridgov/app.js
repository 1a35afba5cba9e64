/* gridgov — progressive enhancement only; every page works without it. */
(function () {
  "use strict";

  // Tabs: switch in place instead of reloading (the links still work without JS).
  document.querySelectorAll("[data-tabs]").forEach(function (box) {
    var tabs = box.querySelectorAll("[data-tab]");
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        tabs.forEach(function (other) {
          var selected = other === tab;
          other.setAttribute("aria-selected", selected ? "true" : "false");
          var panel = document.getElementById(other.getAttribute("aria-controls"));
          if (panel) panel.hidden = !selected;
        });
        if (window.history && history.replaceState) {
          var url = new URL(window.location.href);
          url.searchParams.set("tab", tab.getAttribute("data-tab"));
          history.replaceState(null, "", url);
        }
      });
    });
  });

  // A print button (the monthly report): no inline handler, the pages' policy forbids them.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // "Get code": count down until another code may be requested.
  document.querySelectorAll("[data-countdown]").forEach(function (button) {
    var left = parseInt(button.getAttribute("data-countdown"), 10) || 0;
    if (left <= 0) return;
    var label = button.textContent;
    var template = button.getAttribute("data-countdown-label") || "{s}";
    button.disabled = true;
    function tick() {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.textContent = template.replace("{s}", left);
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  });

  // The inbox's menu entry follows new messages without a reload (every data-refresh seconds
  // while the page is visible); on the inbox, and on pages marked data-refresh-on-message (my
  // reports), a new message brings the page's content up to date.
  var body = document.body;
  var unreadUrl = body.getAttribute("data-unread-url");
  if (unreadUrl && window.fetch) {
    var inboxUrl = body.getAttribute("data-inbox-url");
    var shown = parseInt(body.getAttribute("data-unread"), 10) || 0;
    var every = Math.max(parseInt(body.getAttribute("data-refresh"), 10) || 30, 1);
    var label = function (n) {
      return n ? body.getAttribute("data-inbox-some").replace("{n}", String(n)) : body.getAttribute("data-inbox-none");
    };
    var refreshInbox = function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main.page");
          var main = document.querySelector("main.page");
          if (fresh && main) main.innerHTML = fresh.innerHTML;
        })
        .catch(function () { /* keep what is shown */ });
    };
    var check = function () {
      if (document.hidden) return;
      fetch(unreadUrl, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || data.unread === shown) return;
          var grew = data.unread > shown;
          shown = data.unread;
          document.querySelectorAll(".app-nav a[href='" + inboxUrl + "']").forEach(function (a) { a.textContent = label(shown); });
          // The inbox, and pages that follow what the messages are about (my reports), renew.
          if (grew && (window.location.pathname === inboxUrl || document.querySelector("[data-refresh-on-message]"))) refreshInbox();
        })
        .catch(function () { /* offline for a moment: try again later */ });
    };
    window.setInterval(check, every * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  }

  // Without a signal, say that the page is as it was when it was loaded (or kept on the phone)
  // and that what is done on it waits to be sent.
  var offlineText = body.getAttribute("data-offline-text");
  var offlineNote = function () {
    var note = document.querySelector(".offline-note");
    if (navigator.onLine === false) {
      var main = document.querySelector("main.page");
      if (!note && main) {
        note = document.createElement("p");
        note.className = "notice offline-note";
        note.setAttribute("role", "status");
        main.insertBefore(note, main.firstChild);
      }
      if (note) note.textContent = offlineText.replace("{time}", body.getAttribute("data-shown-at") || "");
    } else if (note) {
      note.remove();
    }
  };
  if (offlineText) {
    window.addEventListener("online", offlineNote);
    window.addEventListener("offline", offlineNote);
    offlineNote();
  }

  // The installable app: the service worker keeps the shell, and this user's field pages, for
  // poor signal (gridgov/core/pwa.py). A list of cases has their pages kept ahead.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* the site works without it */ });
      var links = document.querySelectorAll("[data-keep-ahead] a[href]");
      if (!links.length) return;
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active && navigator.onLine !== false) {
          registration.active.postMessage({ keep: Array.prototype.map.call(links, function (a) { return a.href; }) });
        }
      });
    });
  }
})();
