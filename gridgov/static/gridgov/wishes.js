/* The wish wall: the one-to-many claim button counts the picked wishes and waits for one. */
(function () {
  "use strict";
  var form = document.querySelector("[data-claim-many]");
  if (!form) return;
  var button = form.querySelector("button[type=submit]");
  var label = button.textContent;
  var counted = button.getAttribute("data-count-label") || label;
  function picks() {
    return document.querySelectorAll('input[name="wish_ids"][form="' + form.id + '"]');
  }
  function update() {
    var n = 0;
    picks().forEach(function (box) { if (box.checked) n += 1; });
    button.disabled = n === 0;
    button.textContent = n ? counted.replace("{n}", String(n)) : label;
  }
  picks().forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
