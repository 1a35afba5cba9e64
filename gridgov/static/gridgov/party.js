/* The organiser's check-in code: fetched again every ten seconds from the API and put in
   place, so the code on the screen is always the current one. */
(function () {
  "use strict";
  var el = document.getElementById("checkin-code");
  var until = document.getElementById("checkin-until");
  if (!el || !window.fetch) return;
  function refresh() {
    if (document.hidden) return;
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        el.textContent = data.code;
        var at = new Date(data.valid_until);
        until.setAttribute("datetime", data.valid_until);
        until.textContent = at.toLocaleTimeString("zh-CN", { hour12: false });
      })
      .catch(function () { /* offline for a moment: keep the code shown */ });
  }
  window.setInterval(refresh, 10000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
