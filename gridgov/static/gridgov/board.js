/* A directive's response board: fetch the board again every data-refresh seconds (30 by
   default) and put it in place, so the
   issuing centre watches units acknowledge and finish without reloading. Without scripts the
   page is still the whole board as of its loading. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.fetch) return;
  var url = board.getAttribute("data-board-url");
  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) board.innerHTML = html; })
      .catch(function () { /* offline for a moment: keep what is shown */ });
  }
  var seconds = parseInt(board.getAttribute("data-refresh"), 10) || 30;
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
