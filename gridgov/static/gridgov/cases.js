/* gridgov case pages — progressive enhancement only; every form works without it.
   - deadlines (<time class="sla" data-due data-warn>) tick every 30 s: yellow after warn, red when overdue;
   - the category search box filters the categories (name, code, keywords, major, the pinyin
     initials of name and major) as you type;
   - the chosen category's extra questions are drawn from its JSON (values typed are kept by key);
   - chosen photos are made at most 2048 px on the phone, then previewed; the report page asks for the position once; forms post once. */
(function () {
  "use strict";

  function readJSON(id, fallback) {
    var el = document.getElementById(id);
    if (!el) return fallback;
    try { return JSON.parse(el.textContent); } catch (e) { return fallback; }
  }
  var T = readJSON("cases-i18n", {});
  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)[ds]/g, function (_, key) {
      return values[key] != null ? values[key] : "";
    });
  }

  // --- Deadlines ------------------------------------------------------------------------------
  function duration(minutes) {
    if (minutes >= 1440) return fill(T.dh, { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
    if (minutes >= 60) return fill(T.hm, { h: Math.floor(minutes / 60), m: minutes % 60 });
    return fill(T.m, { m: Math.max(minutes, 1) });
  }
  var clocks = Array.prototype.slice.call(document.querySelectorAll("time.sla[data-due]"));
  function tick() {
    var now = Date.now();
    clocks.forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var warn = Date.parse(el.getAttribute("data-warn") || "");
      var late = due < now;
      var minutes = Math.floor(Math.abs(due - now) / 60000);
      var state = late ? "overdue" : !isNaN(warn) && warn <= now ? "warn" : "ok";
      el.textContent = fill(late ? T.overdue : T.left, { time: duration(minutes) });
      el.className = "sla sla-" + state;
    });
  }
  if (clocks.length && T.left) {
    tick();
    window.setInterval(tick, 30000);
  }

  // --- Category search and extra questions ------------------------------------------------------
  var select = document.getElementById("id_category");
  var categories = readJSON("categories-data", []);
  var byCode = {};
  categories.forEach(function (c) { byCode[c.code] = c; });

  var search = document.querySelector("[data-category-search]");
  if (select && search && categories.length) {
    search.hidden = false;
    var input = search.querySelector("input");
    var results = search.querySelector(".category-results");
    // Pinyin initials too: "lj" finds 垃圾满溢.
    var haystack = function (c) { return (c.name + " " + c.code + " " + c.keywords + " " + c.major + " " + (c.initials || "")).toLowerCase(); };
    var choose = function (code) {
      select.value = code;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      results.hidden = true;
      results.innerHTML = "";
      input.value = "";
    };
    input.addEventListener("input", function () {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      results.innerHTML = "";
      if (!terms.length) { results.hidden = true; return; }
      var found = categories.filter(function (c) {
        var text = haystack(c);
        return terms.every(function (t) { return text.indexOf(t) >= 0; });
      }).slice(0, 8);
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "category-none";
        none.textContent = T.noMatch || "";
        results.appendChild(none);
      }
      found.forEach(function (c) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("role", "option");
        var name = document.createElement("span");
        name.textContent = c.name;
        var major = document.createElement("small");
        major.textContent = c.major;
        button.appendChild(name);
        button.appendChild(major);
        button.addEventListener("click", function () { choose(c.code); });
        li.appendChild(button);
        results.appendChild(li);
      });
      results.hidden = false;
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { // Enter picks the first match instead of submitting the report
        e.preventDefault();
        var first = results.querySelector("button");
        if (first) first.click();
      }
    });
  }

  var questionsBox = document.getElementById("questions");
  function requiredMark(parent, q) {
    if (!q.required) return;
    var em = document.createElement("em");
    em.className = "required";
    em.textContent = T.required || "*";
    parent.appendChild(document.createTextNode(" "));
    parent.appendChild(em);
  }
  // multichoice, longtext and datetime are wide: the label above the control, in a block
  function wideCell(q, value) {
    var cell = document.createElement("div");
    cell.className = "cell-block question question-" + q.type;
    cell.setAttribute("data-question", q.key);
    var field;
    if (q.type === "multichoice") {
      // a fieldset of checkboxes, posted as repeated answers.<key> values
      field = document.createElement("fieldset");
      field.className = "field";
      field.id = "q-" + q.key;
      var legend = document.createElement("legend");
      legend.textContent = q.label;
      requiredMark(legend, q);
      field.appendChild(legend);
      var ticked = Array.isArray(value) ? value : [];
      (q.choices || []).forEach(function (choice, i) {
        var row = document.createElement("label");
        row.className = "choice-row";
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = "answers." + q.key;
        box.id = "q-" + q.key + "-" + (i + 1);
        box.value = choice;
        box.checked = ticked.indexOf(choice) >= 0;
        var text = document.createElement("span");
        text.textContent = choice;
        row.appendChild(box);
        row.appendChild(text);
        field.appendChild(row);
      });
    } else {
      field = document.createElement("div");
      field.className = "field";
      var label = document.createElement("label");
      label.htmlFor = "q-" + q.key;
      label.textContent = q.label;
      requiredMark(label, q);
      field.appendChild(label);
      var input;
      if (q.type === "longtext") {
        input = document.createElement("textarea");
        input.rows = 4;
        input.maxLength = 2000;
        input.value = typeof value === "string" ? value : "";
        field.appendChild(input);
      } else {
        input = document.createElement("input");
        input.type = "datetime-local";
        input.value = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value || "") ? value.slice(0, 16) : "";
        var control = document.createElement("div");
        control.className = "form-control";
        control.appendChild(input);
        field.appendChild(control);
      }
      input.name = "answers." + q.key;
      input.id = "q-" + q.key;
    }
    cell.appendChild(field);
    return cell;
  }
  function questionCell(q, value) {
    if (q.type === "multichoice" || q.type === "longtext" || q.type === "datetime") return wideCell(q, value);
    var cell = document.createElement("div");
    cell.className = "form-cell question";
    cell.setAttribute("data-question", q.key);
    var label = document.createElement("label");
    label.htmlFor = "q-" + q.key;
    label.textContent = q.label;
    requiredMark(label, q);
    var control = document.createElement("div");
    control.className = "form-control";
    var field;
    if (typeof value !== "string" && typeof value !== "boolean") value = "";
    if (q.type === "choice") {
      field = document.createElement("select");
      field.className = "select";
      var empty = document.createElement("option");
      empty.value = "";
      empty.textContent = T.choose || "";
      field.appendChild(empty);
      (q.choices || []).forEach(function (choice) {
        var option = document.createElement("option");
        option.textContent = choice;
        option.value = choice;
        field.appendChild(option);
      });
      field.value = value || "";
    } else {
      field = document.createElement("input");
      if (q.type === "yesno") {
        field.type = "checkbox";
        field.className = "switch";
        field.value = "1";
        field.checked = !!value;
      } else if (q.type === "number") {
        field.type = "number";
        field.step = "any";
        field.inputMode = "decimal";
        field.value = value || "";
      } else {
        field.type = "text";
        field.maxLength = 500;
        field.value = value || "";
      }
    }
    field.name = "answers." + q.key;
    field.id = "q-" + q.key;
    control.appendChild(field);
    cell.appendChild(label);
    cell.appendChild(control);
    return cell;
  }
  if (select && questionsBox) {
    // what was typed is remembered by question key (ticked boxes as a list), so it comes back
    // when a category asking the same question is chosen, even after another one was
    var kept = {};
    select.addEventListener("change", function () {
      var lists = {};
      questionsBox.querySelectorAll("[name^='answers.']").forEach(function (el) {
        var key = el.name.slice(8);
        if (el.type === "checkbox" && !el.classList.contains("switch")) {
          if (!lists[key]) lists[key] = kept[key] = [];
          if (el.checked) kept[key].push(el.value);
        } else {
          kept[key] = el.type === "checkbox" ? el.checked : el.value;
        }
      });
      questionsBox.innerHTML = "";
      var category = byCode[select.value];
      (category ? category.questions : []).forEach(function (q) {
        questionsBox.appendChild(questionCell(q, kept[q.key]));
      });
    });
  }

  // --- Photos: made smaller on the phone, then previewed ----------------------------------------
  // A camera photo of 4000 px and 5 MB goes up as a JPEG of at most 2048 px (what the server
  // keeps anyway): less to send on a weak signal, and the position in its metadata stays on
  // the phone. What cannot be decoded here (HEIC, not an image) goes as it is; the server
  // decides about it.
  var MAX_SIDE = 2048;
  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) { resolve(file); return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 1500000) { resolve(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || (scale === 1 && blob.size >= file.size)) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", 0.85);
      }).catch(function () { resolve(file); });
    });
  }

  document.querySelectorAll("input[type=file][multiple]").forEach(function (input) {
    var box = document.querySelector("[data-previews='" + input.id + "']");
    var preview = function () {
      if (!box || !window.URL || !URL.createObjectURL) return;
      box.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
      box.innerHTML = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (!/^image\//.test(file.type)) return;
        var img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        box.appendChild(img);
      });
      box.setAttribute("data-count", fill(T.photos, { n: (input.files || []).length }));
    };
    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files || []);
      if (!chosen.length || !window.DataTransfer || !window.Promise) { preview(); return; }
      input.setAttribute("aria-busy", "true");
      Promise.all(chosen.map(shrink)).then(function (files) {
        var smaller = new DataTransfer();
        files.forEach(function (file) { smaller.items.add(file); });
        input.files = smaller.files;  // setting files fires no "change"
        input.removeAttribute("aria-busy");
        preview();
      });
    });
  });

  // --- The report page asks for the position once (when no pin is set yet) ---------------------
  var auto = document.querySelector("[data-map][data-auto-locate]");
  var lat = document.getElementById("id_lat");
  if (auto && lat && !lat.value && navigator.geolocation) {
    var tries = 0;
    (function locate() {
      var button = auto.querySelector(".map-locate button");
      if (button) { button.click(); return; }
      if (++tries < 20) window.setTimeout(locate, 150); // the map is set up by map.js
    })();
  }

  // --- Post once: a second tap while the first post is on its way does nothing ------------------
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.getAttribute("data-sent")) { e.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      window.setTimeout(function () { form.removeAttribute("data-sent"); }, 8000);
    });
  });
})();
