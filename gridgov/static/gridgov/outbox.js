/* What is sent without a signal (待发送): a report, or an action on a case (the grid worker's
   verification on site, a re-check with its photos). A form marked data-outbox is posted with
   fetch; when there is no network, or the connection drops on the way, what it sends (its
   fields, its photos and its client UUID) is kept on the phone in IndexedDB and listed as
   waiting on every page. Waiting items are sent when the connection returns (and whenever a
   page loads online); the server does each once per client UUID, however many times it
   arrives. Each one can be sent again by hand or deleted; a refusal is shown with its reason
   and kept until deleted. Without IndexedDB or fetch the form posts as usual. */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch || !window.FormData || !window.Promise) return;
  var DB = "gridgov-outbox", STORE = "reports";
  var box = document.querySelector("[data-outbox-list]");
  var loginUrl = document.body.getAttribute("data-login-url") || "/accounts/login/";
  var T = function (name, fallback) { return (box && box.getAttribute("data-" + name + "-text")) || fallback; };

  function database() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var request = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  var all = function () { return run("readonly", function (s) { return s.getAll(); }); };
  var keep = function (item) { return run("readwrite", function (s) { return s.put(item); }); };
  var forget = function (id) { return run("readwrite", function (s) { return s.delete(id); }); };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function formData(item) {
    var data = new FormData();
    item.fields.forEach(function (pair) {
      if (pair[0] === "csrfmiddlewaretoken") return;
      if (pair[1] instanceof Blob) data.append(pair[0], pair[1], pair[1].name || "photo.jpg");
      else data.append(pair[0], pair[1]);
    });
    data.append("csrfmiddlewaretoken", csrf() || item.csrf);
    return data;
  }
  function post(action, data) {
    return fetch(action, { method: "POST", body: data, credentials: "same-origin", redirect: "follow", headers: { "X-Requested-With": "outbox" } });
  }

  // --- The list of waiting reports -------------------------------------------------------------
  function render() {
    if (!box) return Promise.resolve();
    return all().then(function (items) {
      var list = box.querySelector("[data-outbox-items]");
      var note = box.querySelector("[data-outbox-note]");
      list.innerHTML = "";
      list.hidden = !items.length;
      box.hidden = !items.length && (!note || note.hidden);
      items.sort(function (a, b) { return a.created - b.created; }).forEach(function (item) {
        var li = document.createElement("li");
        li.className = item.error ? "outbox-item outbox-refused" : "outbox-item";
        li.setAttribute("data-outbox-id", item.id);
        var what = document.createElement("span");
        what.className = "outbox-what";
        what.textContent = item.title || T("untitled", "随手拍");
        var state = document.createElement("small");
        state.className = "outbox-state";
        state.textContent = item.error || item.state || T("waiting", "待发送");
        var retry = document.createElement("button");
        retry.type = "button";
        retry.className = "btn btn-small";
        retry.textContent = T("retry", "重新发送");
        retry.addEventListener("click", function () { delete item.error; delete item.state; send(item).then(render); });
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link-button";
        drop.textContent = T("delete", "删除");
        drop.addEventListener("click", function () { forget(item.id).then(render); });
        li.append(what, state, retry, drop);
        list.appendChild(li);
      });
    });
  }
  function say(text) {
    var note = box && box.querySelector("[data-outbox-note]");
    if (note) { note.textContent = text; note.hidden = !text; }
    if (box && text) box.hidden = false;
  }

  // --- Sending ---------------------------------------------------------------------------------
  function send(item) {
    return post(item.action, formData(item)).then(function (response) {
      var signIn = response.redirected && new URL(response.url).pathname === new URL(loginUrl, location.href).pathname;
      if (response.ok && response.redirected && !signIn) {
        // Done (or found done before): the server answered with the case's page.
        return forget(item.id).then(function () { say(T("sent", "已发送：{title}").replace("{title}", item.title)); });
      }
      if (signIn || response.status === 429 || response.status >= 500) {
        // Not refused, only not now: it stays waiting and goes with the next send.
        item.state = signIn ? T("sign-in", "请重新登录，登录后自动发送") : T("busy", "服务器繁忙，稍后自动重新发送");
        return keep(item);
      }
      // Refused (a field, a permission, the case moved on): kept, with why; it can be deleted.
      item.error = (T("refused-" + response.status, "") || T("refused", "发送未成功，请删除后重新操作")) + "（" + response.status + "）";
      return keep(item);
    }, function () { /* still no connection: it waits */ });
  }
  var flushing = false;
  function flush() {
    if (flushing || navigator.onLine === false) return Promise.resolve();
    flushing = true;
    return all().then(function (items) {
      return items.filter(function (i) { return !i.error; }).reduce(function (chain, item) {
        return chain.then(function () { return send(item); });
      }, Promise.resolve());
    }).then(render).then(function () { flushing = false; }, function () { flushing = false; });
  }
  window.addEventListener("online", flush);

  // --- A report form posted through the outbox ---------------------------------------------------
  document.querySelectorAll("form[data-outbox]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      event.preventDefault();
      var data = new FormData(form);
      var id = data.get("client_id");
      if (!id) { id = uuid(); data.set("client_id", id); }
      var item = {
        id: String(id),
        action: form.action,
        title: form.getAttribute("data-outbox-title") || String(data.get("description") || "").slice(0, 40),
        created: Date.now(),
        csrf: String(data.get("csrfmiddlewaretoken") || ""),
        fields: Array.from(data.entries()),
      };
      var queue = function () {
        return keep(item).then(render).then(function () {
          say(T("saved", "没有网络：已保存在手机上，恢复网络后会自动发送。"));
          window.scrollTo(0, 0);
        });
      };
      if (navigator.onLine === false) { queue(); return; }
      post(form.action, data).then(function (response) {
        // The answer (the new case's page, or the form with its errors) replaces this page, as
        // a plain post would: its message is shown once, on it.
        return response.text().then(function (html) {
          if (response.redirected && window.history && history.replaceState) history.replaceState(null, "", response.url);
          document.open();
          document.write(html);
          document.close();
        });
      }, queue);
    });
  });

  render().then(flush);
})();
