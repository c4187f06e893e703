// The oversight dashboard's charts: ECharts (installed by npm) over the figures the page
// embeds as JSON; a bar of a department or unit drills down to it.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  var LIGHT_COLOURS = { green: "#2e9e5b", yellow: "#e0b000", red: "#d9342b", none: "#b8c0ca" };
  var GRADE_COLOURS = ["#2e7d4f", "#4a90c2", "#e0a100", "#c43d35"];
  var TEXT = { fontFamily: "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif" };

  function bar(categories, values, colours, horizontal) {
    var axis = { type: "category", data: categories, axisLabel: { interval: 0, width: 160, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    return {
      textStyle: TEXT, animation: false,
      grid: { left: horizontal ? 170 : 40, right: 20, top: 20, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : axis,
      yAxis: horizontal ? Object.assign({}, axis, { inverse: true }) : value,
      series: [{ type: "bar", data: values.map(function (v, k) {
        return colours ? { value: v, itemStyle: { color: colours[k % colours.length] } } : v;
      }), label: { show: true, position: horizontal ? "right" : "top" } }],
    };
  }

  var BUILD = {
    review: function (d) { return bar(d.map(function (x) { return x[0]; }), d.map(function (x) { return x[1]; }), GRADE_COLOURS); },
    grades: function (d) { return bar(d.map(function (x) { return x[0]; }), d.map(function (x) { return x[1]; }), GRADE_COLOURS); },
    scores: function (d) { return bar(d.map(function (x) { return x[0]; }), d.map(function (x) { return x[1]; }), ["#4a6fa5"]); },
    // A donut whose labels keep their counts in a narrow panel: each slice's name and
    // count on two short lines (never cut to “红…”), empty slices unlabelled, and the
    // legend with every count (also those of empty slices).
    lights: function (d) {
      var counts = {};
      d.forEach(function (x) { counts[x[0]] = x[1]; });
      return {
        textStyle: TEXT, animation: false,
        tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
        legend: { bottom: 0, itemGap: 12, formatter: function (name) { return name + " " + counts[name]; } },
        series: [{ type: "pie", radius: ["30%", "52%"], center: ["50%", "44%"],
          label: { formatter: "{b}\n{c} 个", overflow: "none", lineHeight: 16 },
          labelLine: { length: 8, length2: 6 },
          data: d.map(function (x) {
            var item = { name: x[0], value: x[1], itemStyle: { color: LIGHT_COLOURS[x[2]] } };
            if (!x[1]) { item.label = { show: false }; item.labelLine = { show: false }; }
            return item;
          }) }],
      };
    },
    codes: function (d) {
      return bar(d.map(function (x) { return x[0] + " " + x[1]; }), d.map(function (x) { return x[2]; }), ["#8a5a9e"], true);
    },
    groups: function (d) {
      return {
        textStyle: TEXT, animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 50, right: 50, top: 30, bottom: 90 },
        xAxis: { type: "category", data: d.map(function (x) { return x[0]; }), axisLabel: { rotate: 35, interval: 0, width: 120, overflow: "truncate" } },
        yAxis: [{ type: "value", name: "执行率 %" }, { type: "value", name: "得分", min: 0, max: 100 }],
        series: [
          { name: "监控执行率", type: "bar", data: d.map(function (x) { return x[1]; }), itemStyle: { color: "#4a6fa5" } },
          { name: "平均得分", type: "line", yAxisIndex: 1, data: d.map(function (x) { return x[2]; }), itemStyle: { color: "#c0603a" } },
        ],
      };
    },
  };

  ready(function () {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var base = JSON.parse(document.getElementById("drill-base").textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      if (!BUILD[name] || !data[name] || !data[name].length) { el.textContent = "暂无数据"; el.classList.add("chart-empty"); return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(BUILD[name](data[name]));
      var drill = el.getAttribute("data-drill");
      if (drill) {
        chart.on("click", function (params) {
          var query = Object.assign({}, base);
          query[drill] = params.name;
          window.location.href = "/oversight?" + new URLSearchParams(query).toString();
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-rendered", "1");
    });
  });
})();
