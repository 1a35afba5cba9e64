/* gridgov map widget: every [data-map] element becomes a Leaflet map (no build step).
   data-map: "show" = marker at the point; "pick" = draggable pin the user sets; "density" =
             grids shaded by open cases, a dot per case (data-density-url, data-refresh); else grids only.
   Common:  data-tiles (tile URL template; empty = plain background), data-tiles-attribution,
            data-grids-url (GeoJSON of grids: outlines, names as tooltips, framed if no point),
            data-lat / data-lon (WGS-84), data-zoom, data-leaflet-images (marker image folder;
            also read from this script's tag, else derived from leaflet.js's src).
   "pick":  data-lat-input / data-lon-input (CSS selectors; written with 6 decimals, and their
            values on load win over data-lat/lon), data-locate-url (e.g. /api/geo/locate),
            data-grid-output (selector: gets the grid's name), data-grid-path-input (selector:
            gets its path), texts: data-locate-label, data-locating-label,
            data-locate-error-text, data-looking-up-text, data-outside-text, data-lookup-error-text,
            data-accuracy-text ("{m}" for the metres). */
(function () {
  "use strict";
  if (!window.L) return; // leaflet.js failed to load: leave the page (and its inputs) alone

  var SCRIPT = document.currentScript;
  var GRID_STYLE = { color: "#07c160", weight: 2, opacity: 0.9, fillColor: "#07c160", fillOpacity: 0.08 };
  var DEFAULT_CENTER = [35.0, 105.0]; // China, when there is neither a point nor grids
  var POINT_ZOOM = 16;

  function num(value, min, max) {
    if (value == null || String(value).trim() === "") return null;
    var n = parseFloat(value);
    return isFinite(n) && n >= min && n <= max ? n : null;
  }
  function text(el, name, fallback) {
    var value = el.getAttribute(name);
    return value == null || value === "" ? fallback : value;
  }
  function find(selector) {
    return selector ? document.querySelector(selector) : null;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  // Default marker images: explicit attribute, else derived from where leaflet.js came from.
  function imagePath(el) {
    var explicit = el.getAttribute("data-leaflet-images") || (SCRIPT && SCRIPT.getAttribute("data-leaflet-images"));
    if (explicit) return explicit.replace(/\/?$/, "/");
    var script = document.querySelector('script[src*="leaflet"][src$=".js"]:not([src*="/gridgov/"])');
    return script ? script.src.replace(/[^/]*$/, "images/") : null;
  }

  function init(el) {
    if (el.gridgovMap) return el.gridgovMap; // already set up (e.g. htmx re-processing)
    var mode = el.getAttribute("data-map");
    var images = imagePath(el);
    if (images) L.Icon.Default.imagePath = images;

    var tiles = el.getAttribute("data-tiles") || "";
    var map = L.map(el, { maxZoom: 19, scrollWheelZoom: false, attributionControl: !!tiles });
    el.gridgovMap = map;
    // A map laid out while hidden (a tab, a <details>) re-measures, and frames the grids, once shown.
    var frame = null;
    function fit() {
      if (frame && map.getSize().x > 0) { map.fitBounds(frame, { padding: [12, 12] }); frame = null; }
    }
    if (window.ResizeObserver) new ResizeObserver(function () { map.invalidateSize(); fit(); }).observe(el);
    if (tiles) {
      map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    } else {
      el.classList.add("map--plain"); // no tiles: grid polygons on a plain background
    }

    // Initial point: for "pick", values already in the inputs win (a re-rendered form keeps its pin).
    var latInput = find(el.getAttribute("data-lat-input"));
    var lonInput = find(el.getAttribute("data-lon-input"));
    var lat = num(el.getAttribute("data-lat"), -90, 90);
    var lon = num(el.getAttribute("data-lon"), -180, 180);
    if (mode === "pick" && latInput && lonInput) {
      var inLat = num(latInput.value, -90, 90), inLon = num(lonInput.value, -180, 180);
      if (inLat !== null && inLon !== null) { lat = inLat; lon = inLon; }
    }
    var hasPoint = lat !== null && lon !== null;
    var zoom = num(el.getAttribute("data-zoom"), 0, 22);
    map.setView(hasPoint ? [lat, lon] : DEFAULT_CENTER, zoom !== null ? zoom : hasPoint ? POINT_ZOOM : 4);

    // Grid outlines, names as tooltips; frame them when there is no point to centre on.
    var gridsUrl = el.getAttribute("data-grids-url");
    var gridsLoaded = Promise.resolve(null);
    if (gridsUrl) {
      gridsLoaded = getJSON(gridsUrl).then(function (data) {
        var layer = L.geoJSON(data, {
          style: GRID_STYLE,
          onEachFeature: function (feature, shape) {
            var name = feature.properties && feature.properties.name;
            if (name) shape.bindTooltip(String(name), { sticky: true, direction: "bottom", offset: [0, 12] }); // below: the pin is above
          },
        }).addTo(map);
        if (!hasPoint && layer.getLayers().length) { frame = layer.getBounds(); fit(); }
        return layer;
      }).catch(function (err) { console.warn("gridgov map: grids not loaded", err); return null; });
    }
    if (mode === "density") setUpDensity(el, map, gridsLoaded);

    if (mode === "show" && hasPoint) L.marker([lat, lon], { keyboard: false }).addTo(map);
    if (mode === "pick") setUpPicker(el, map, hasPoint ? [lat, lon] : null, latInput, lonInput);
    return map;
  }

  // "density": grids shaded by their open cases and a dot per open case, from data-density-url
  // ({grid_density: {path: n}, points: [[number, lat, lon, status]]}), every data-refresh seconds.
  var SHADES = ["#e6f8ee", "#fff4e5", "#ffd8a8", "#ffa94d", "#fa5151"];
  function shade(n) {
    if (!n) return SHADES[0];
    return SHADES[Math.min(SHADES.length - 1, Math.ceil(Math.log2(n + 1)))];
  }
  function setUpDensity(el, map, gridsLoaded) {
    var url = el.getAttribute("data-density-url");
    var caseUrl = el.getAttribute("data-case-url") || "";
    var seconds = parseInt(el.getAttribute("data-refresh"), 10) || 30;
    var dots = L.layerGroup().addTo(map);
    function draw(grids, data) {
      var counts = data.grid_density || {};
      if (grids) {
        grids.eachLayer(function (shape) {
          var path = shape.feature && shape.feature.properties && shape.feature.properties.path;
          var n = counts[path] || 0;
          shape.setStyle({ fillColor: shade(n), fillOpacity: n ? 0.75 : 0.35 });
        });
      }
      dots.clearLayers();
      (data.points || []).forEach(function (p) {
        var dot = L.circleMarker([p[1], p[2]], { radius: 4, color: "#fff", weight: 1, fillColor: "#fa5151", fillOpacity: 0.9 });
        if (caseUrl) dot.bindPopup('<a href="' + caseUrl.replace("NUMBER", encodeURIComponent(p[0])) + '">' + p[0] + "</a>");
        dots.addLayer(dot);
      });
    }
    function refresh() {
      if (document.hidden) return;
      Promise.all([gridsLoaded, getJSON(url)]).then(function (both) { draw(both[0], both[1]); })
        .catch(function (err) { console.warn("gridgov map: open cases not loaded", err); });
    }
    refresh();
    window.setInterval(refresh, seconds * 1000);
  }

  function setUpPicker(el, map, start, latInput, lonInput) {
    var output = find(el.getAttribute("data-grid-output"));
    var pathInput = find(el.getAttribute("data-grid-path-input"));
    var locateUrl = el.getAttribute("data-locate-url");
    var t = {
      locate: text(el, "data-locate-label", "定位"),
      locating: text(el, "data-locating-label", "定位中…"),
      locateError: text(el, "data-locate-error-text", "无法获取当前位置"),
      lookingUp: text(el, "data-looking-up-text", "正在查询所在网格…"),
      outside: text(el, "data-outside-text", "不在任何网格内"),
      lookupError: text(el, "data-lookup-error-text", "无法查询所在网格"),
      accuracy: text(el, "data-accuracy-text", "定位精度约 {m} 米；如有偏差，请拖动图钉。"),
    };
    var marker = null;
    // How sure the device is of its position: a circle on the map and a line under it, until
    // the pin is moved by hand.
    var circle = null;
    var note = document.createElement("p");
    note.className = "map-accuracy";
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    el.parentNode.insertBefore(note, el.nextSibling);
    function showAccuracy(latlng, metres) {
      if (circle) { map.removeLayer(circle); circle = null; }
      note.hidden = metres === null;
      if (metres === null) return;
      circle = L.circle(latlng, { radius: metres, weight: 1, color: "#07c160", fillOpacity: 0.1, interactive: false }).addTo(map);
      note.textContent = t.accuracy.replace("{m}", String(Math.round(metres)));
    }
    var lookup = 0; // only the answer to the latest move is shown

    function say(message) {
      if (output) output.textContent = message;
    }
    function setInput(input, value) {
      if (!input || input.value === value) return;
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // Move the pin (creating it on first use), fill the inputs, look up the grid.
    function place(latlng, fromInputs) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
        marker.on("dragend", function () { showAccuracy(null, null); place(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      var ll = marker.getLatLng().wrap();
      if (!fromInputs) {
        setInput(latInput, ll.lat.toFixed(6));
        setInput(lonInput, ll.lng.toFixed(6));
      }
      if (!locateUrl) return;
      var ticket = ++lookup;
      var url = new URL(locateUrl, window.location.href);
      url.searchParams.set("lon", ll.lng.toFixed(6));
      url.searchParams.set("lat", ll.lat.toFixed(6));
      say(t.lookingUp);
      getJSON(url.href).then(function (data) {
        if (ticket !== lookup) return;
        var grid = data && data.grid;
        if (output) {
          output.textContent = grid ? [grid.street, grid.community].filter(Boolean).map(function (p) { return p.name; }).concat(grid.name).join(" / ") : t.outside;
          output.setAttribute("data-grid-path", grid ? grid.path : "");
        }
        setInput(pathInput, grid ? grid.path : "");
      }).catch(function () {
        if (ticket === lookup) say(t.lookupError);
      });
    }

    map.on("click", function (e) { showAccuracy(null, null); place(e.latlng); });
    if (start) place(L.latLng(start), true);

    // Typing coordinates by hand moves the pin too.
    [latInput, lonInput].forEach(function (input) {
      if (!input) return;
      input.addEventListener("change", function () {
        var la = num(latInput && latInput.value, -90, 90), lo = num(lonInput && lonInput.value, -180, 180);
        if (la !== null && lo !== null && (!marker || !marker.getLatLng().equals([la, lo], 1e-7))) {
          place(L.latLng(la, lo), true);
          map.panTo([la, lo]);
        }
      });
    });

    // "Locate me" button as a Leaflet control (hidden where the browser has no geolocation).
    if (!navigator.geolocation) return;
    var Locate = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar map-locate");
        var button = L.DomUtil.create("button", "", box);
        button.type = "button";
        button.textContent = t.locate;
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(button, "click", function () {
          button.disabled = true;
          button.textContent = t.locating;
          navigator.geolocation.getCurrentPosition(function (pos) {
            button.disabled = false;
            button.textContent = t.locate;
            var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
            map.setView(ll, Math.max(map.getZoom(), 17));
            place(ll);
            showAccuracy(ll, typeof pos.coords.accuracy === "number" ? pos.coords.accuracy : null);
          }, function () {
            button.disabled = false;
            if (output) { button.textContent = t.locate; say(t.locateError); return; }
            button.textContent = t.locateError; // no output element: say it on the button briefly
            window.setTimeout(function () { button.textContent = t.locate; }, 3000);
          }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
        });
        return box;
      },
    });
    new Locate().addTo(map);
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-map]")) init(scope);
    scope.querySelectorAll("[data-map]").forEach(init);
  }

  window.gridgovMap = { init: initAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { initAll(); });
  else initAll();
  document.addEventListener("htmx:load", function (e) { initAll(e.target); }); // swapped-in content
})();
