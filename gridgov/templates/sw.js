/* The app's service worker (see gridgov/core/pwa.py): the shell from the cache; pages from the
   network, and the pages the server marks as worth keeping also kept for this sign-in, to be
   shown without a connection; else the offline page. API answers are never cached. */
"use strict";
var CACHE = "{{ cache }}";
var PAGES = "{{ pages }}";
var SHELL = {{ shell|safe }};
var OFFLINE = "{{ offline }}";
var STATIC = "{{ static_prefix }}";
var SESSION = "{{ session_header }}";
var KEEP = "{{ keep_header }}";
var AHEAD = {{ keep_ahead }};
var OWNER = "/__owner__";  // the entry of PAGES that says whose pages they are

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf("gridgov-") === 0 && key !== CACHE && key !== PAGES; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Keep a page for the one signed in; drop every kept page when someone else is (or no one).
function remember(request, response) {
  if (response.type !== "basic" || !response.headers.has(SESSION)) return Promise.resolve();
  var who = response.headers.get(SESSION);
  return caches.open(PAGES).then(function (cache) {
    return cache.match(OWNER).then(function (owner) { return owner ? owner.text() : null; }).then(function (previous) {
      var ready = Promise.resolve(cache);
      if (previous !== who) {
        ready = caches.delete(PAGES).then(function () { return caches.open(PAGES); }).then(function (fresh) {
          return fresh.put(OWNER, new Response(who)).then(function () { return fresh; });
        });
      }
      return ready.then(function (pages) {
        if (who && response.ok && response.headers.get(KEEP) === "1") return pages.put(request.url, response);
      });
    });
  });
}

function keptOrOffline(request) {
  return caches.open(PAGES).then(function (cache) { return cache.match(request.url, { ignoreVary: true }); })
    .then(function (hit) { return hit || caches.match(OFFLINE); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC) === 0) {
    // Static files: the cached copy, else the network (and keep it for next time).
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(remember(request, response.clone()));
      return response;
    }, function () { return keptOrOffline(request); }));
  }
});

// A list of cases asks for its cases' pages to be kept too (the grid worker's queue, my
// reports), so they open in the field without a signal. Each is fetched at most every 5 minutes.
var fetched = {};
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (!Array.isArray(data.keep)) return;
  var now = Date.now();
  var urls = data.keep.slice(0, AHEAD).map(function (u) { return new URL(u, self.location.origin); })
    .filter(function (u) { return u.origin === self.location.origin && !(fetched[u.href] > now - 300000); });
  event.waitUntil(urls.reduce(function (chain, u) {
    return chain.then(function () {
      fetched[u.href] = now;
      var request = new Request(u.href, { credentials: "same-origin" });
      return fetch(request).then(function (response) { return remember(request, response); }, function () {});
    });
  }, Promise.resolve()));
});
