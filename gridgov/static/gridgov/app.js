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

  // The installable app: the service worker keeps the shell for poor signal (gridgov/core/pwa.py).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* the site works without it */ });
    });
  }
})();
