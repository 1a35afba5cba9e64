/* The command centre's dashboard: the "now" panel is fetched again every data-refresh seconds
   and put in place (the map refreshes itself, see map.js "density"). Without scripts the page
   is the whole dashboard as of its loading. */
(function () {
  "use strict";
  // A month chosen replaces the range, and a range the month.
  var filter = document.getElementById("dash-filter");
  if (filter) {
    filter.addEventListener("change", function (event) {
      var name = event.target.name;
      if (name === "month") { filter.start.value = ""; filter.end.value = ""; }
    });
  }
  var live = document.getElementById("live");
  if (!live || !window.fetch) return;
  var url = live.getAttribute("data-live-url");
  var seconds = parseInt(live.getAttribute("data-refresh"), 10) || 30;
  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) live.innerHTML = html; })
      .catch(function () { /* offline for a moment: keep what is shown */ });
  }
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
