/* Charts for the dashboard and target pages, from JSON embedded in the page (no network).
   <div data-chart="stack|pie|target" data-source="ID" data-key="KEY"> reads
   JSON.parse(#ID)[KEY]. Colours follow the status badges in app.css. */
(function () {
  "use strict";
  var COLORS = {
    done: "#1a7f37", achieved: "#1a7f37", on_track: "#2f9e44", in_progress: "#0b5cad",
    not_started: "#a0aec0", at_risk: "#b7791f", delayed: "#b7791f", off_track: "#c53030",
    blocked: "#822727", no_report: "#cbd5e0", no_data: "#718096"
  };

  function data(el) {
    var node = document.getElementById(el.dataset.source);
    if (!node) return null;
    var all = JSON.parse(node.textContent);
    return el.dataset.key ? all[el.dataset.key] : all;
  }

  function stack(d) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.categories,
               axisLabel: { width: 160, overflow: "truncate" } },
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data,
                 itemStyle: { color: COLORS[s.key] } };
      })
    };
  }

  function pie(d) {
    return {
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], label: { formatter: "{b} {c}" },
        data: d.filter(function (x) { return x.value > 0; }).map(function (x) {
          return { name: x.name, value: x.value, itemStyle: { color: COLORS[x.key] } };
        }) }]
    };
  }

  function target(d) {
    var series = [
      { name: "实际值", type: "line", data: d.observed, symbolSize: 8, itemStyle: { color: "#0b5cad" } },
      { name: "目标路径", type: "line", data: d.path, showSymbol: false,
        lineStyle: { type: "dashed" }, itemStyle: { color: "#1a7f37" } },
      { name: "趋势预测", type: "line", data: d.projection, lineStyle: { type: "dotted" },
        itemStyle: { color: "#b7791f" } }
    ];
    if (d.target !== null && d.target_year) {
      series.push({ name: "目标值", type: "scatter", symbol: "diamond", symbolSize: 14,
                    data: [[d.target_year, d.target]], itemStyle: { color: "#c53030" } });
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: "dataMin", max: "dataMax", minInterval: 1,
               axisLabel: { formatter: function (v) { return String(v); } } },
      yAxis: { type: "value", name: d.unit, scale: true },
      series: series
    };
  }

  var BUILD = { stack: stack, pie: pie, target: target };

  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var d = data(el), build = BUILD[el.dataset.chart];
      if (!d || !build) return;
      var chart = window.echarts.init(el);
      chart.setOption(build(d));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // plan pages: bring the highlighted source sentence into view after HTMX swaps it in
  document.addEventListener("htmx:afterSwap", function (e) {
    var mark = e.target.querySelector && e.target.querySelector("mark.source");
    if (mark) mark.scrollIntoView({ block: "center" });
  });
})();
