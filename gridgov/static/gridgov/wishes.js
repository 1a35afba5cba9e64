/* Micro-wish pages: the one-to-many claim button counts the picked wishes and waits for one;
   a fulfilment's photo input names the photo chosen. */
(function () {
  "use strict";
  document.querySelectorAll("[data-photo-input]").forEach(function (input) {
    var name = input.closest(".wish-photo").querySelector("[data-photo-name]");
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : "";
    });
  });
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
    picks().forEach(function (box) {
      if (box.checked) n += 1;
    });
    button.disabled = n === 0;
    button.textContent = n ? counted.replace("{n}", String(n)) : label;
  }
  picks().forEach(function (box) {
    box.addEventListener("change", update);
  });
  update();
})();
