/* The big screen (大屏): ECharts panels filled from data-screen-url, refreshed every
   data-refresh seconds (the map refreshes itself, see map.js "density"). */
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-screen-url");
  var seconds = parseInt(body.getAttribute("data-refresh"), 10) || 60;
  var texts = JSON.parse((document.getElementById("screen-texts") || {}).textContent || "{}");
  var charts = {};
  var AXIS = { axisLine: { lineStyle: { color: "#3a4a6b" } }, splitLine: { lineStyle: { color: "#1f2a44" } }, axisLabel: { color: "#9fb0d0" } };

  function chart(id) {
    if (!charts[id]) {
      var el = document.getElementById(id);
      if (!el || !window.echarts) return null;
      charts[id] = window.echarts.init(el, "dark", { renderer: "canvas" });
    }
    return charts[id];
  }
  function set(name, value) {
    document.querySelectorAll('[data-field="' + name + '"]').forEach(function (el) { el.textContent = value; });
  }
  function figure(data, code) {
    return (data.figures || []).filter(function (f) { return f.code === code; })[0] || {};
  }
  function pct(value) { return value === null || value === undefined ? 0 : Math.round(value * 1000) / 10; }

  function bars(id, rows, colour) {
    var c = chart(id);
    if (!c) return;
    var sorted = rows.slice().reverse();
    c.setOption({
      backgroundColor: "transparent",
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: Object.assign({ type: "value", max: 100 }, AXIS),
      yAxis: Object.assign({ type: "category", data: sorted.map(function (r) { return r.name; }) }, AXIS),
      series: [{ type: "bar", name: texts.score, data: sorted.map(function (r) { return r.value; }), itemStyle: { color: colour }, label: { show: true, position: "right", color: "#e6ecff" } }],
    });
  }

  function draw(data) {
    set("intake_today", data.intake_today);
    set("open", data.open);
    set("overdue_now", data.overdue_now);
    var composite = figure(data, "composite").value;
    set("composite", composite === null || composite === undefined ? "—" : composite.toFixed(1));
    document.getElementById("screen-at").textContent = new Date(data.at).toLocaleTimeString("zh-CN", { hour12: false });

    var trend = chart("chart-trend");
    if (trend) trend.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: "#9fb0d0" } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: Object.assign({ type: "category", data: data.trend.map(function (d) { return d.day.slice(5); }) }, AXIS),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, AXIS),
      series: [
        { type: "line", name: texts.cases, smooth: true, areaStyle: { opacity: 0.2 }, data: data.trend.map(function (d) { return d.cases; }) },
        { type: "line", name: texts.rated, smooth: true, data: data.trend.map(function (d) { return d.rated; }) },
      ],
    });

    var rates = chart("chart-rates");
    if (rates) rates.setOption({
      backgroundColor: "transparent",
      series: ["response", "resolution", "satisfaction"].map(function (code, i) {
        var f = figure(data, code);
        return {
          type: "gauge", center: [(16.7 + i * 33.3) + "%", "55%"], radius: "36%", min: 0, max: 100,
          progress: { show: true, width: 10 }, axisLine: { lineStyle: { width: 10 } },
          axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
          title: { offsetCenter: [0, "95%"], color: "#9fb0d0", fontSize: 16 },
          detail: { valueAnimation: true, offsetCenter: [0, 0], fontSize: 26, color: "#e6ecff", formatter: f.value === null ? "—" : "{value}%" },
          data: [{ value: pct(f.value), name: f.label }],
        };
      }),
    });

    var categories = chart("chart-categories");
    if (categories) categories.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], label: { color: "#e6ecff" }, data: data.categories.map(function (c) { return { name: c.name, value: c.value }; }) }],
    });
    bars("chart-units", data.units, "#07c160");
    bars("chart-areas", data.areas, "#4e8cff");

    var box = document.getElementById("contributions");
    if (box) {
      box.innerHTML = "";
      data.contributions.forEach(function (f) {
        var cell = document.createElement("div");
        var label = document.createElement("span");
        var value = document.createElement("strong");
        label.textContent = f.name;
        value.textContent = f.value;
        cell.appendChild(label);
        cell.appendChild(value);
        box.appendChild(cell);
      });
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); return response.json(); })
      .then(draw)
      .catch(function (err) { console.warn("gridgov screen: not refreshed", err); });
  }
  function tick() {
    var clock = document.getElementById("screen-clock");
    if (clock) clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false });
  }
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  refresh();
  tick();
  window.setInterval(refresh, seconds * 1000);
  window.setInterval(tick, 1000);
})();
