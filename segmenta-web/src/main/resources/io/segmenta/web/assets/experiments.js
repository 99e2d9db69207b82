// Segmenta's experiment charts (issue 15), registered for app.js to draw: a forest plot of the relative lift per
// segment and variant with its interval, and the always-valid interval of a sequential test over time. ECharts, SVG.
(function () {
  'use strict';
  var kinds = window.segmentaCharts = window.segmentaCharts || {};
  function pct(v) { return v === null ? '–' : (100 * v).toFixed(1) + ' %'; }
  kinds.forest = function (el, d) {
    var c = echarts.init(el, null, { renderer: 'svg' });
    var rows = d.labels.map(function (l, i) { return [d.low[i], d.high[i], d.lift[i], i]; });
    c.setOption({
      animation: false,
      grid: { left: 220, right: 40, top: 20, bottom: 40 },
      tooltip: { trigger: 'item', formatter: function (p) {
        var r = rows[p.dataIndex]; return d.labels[r[3]] + ': ' + pct(r[2]) + ' (' + pct(r[0]) + ' to ' + pct(r[1]) + ')'; } },
      xAxis: { type: 'value', name: 'relative lift', axisLabel: { formatter: function (v) { return (100 * v).toFixed(0) + ' %'; } } },
      yAxis: { type: 'category', data: d.labels, inverse: true },
      series: [
        { type: 'custom', name: 'interval', data: rows.filter(function (r) { return r[0] !== null && r[1] !== null; }),
          renderItem: function (params, api) {
            var lo = api.coord([api.value(0), api.value(3)]);
            var hi = api.coord([api.value(1), api.value(3)]);
            return { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: { stroke: '#2456c7', lineWidth: 2 } };
          }, encode: { x: [0, 1], y: 3 } },
        { type: 'scatter', name: 'lift', symbolSize: 10, itemStyle: { color: '#1d2330' },
          data: rows.map(function (r) { return [r[2], d.labels[r[3]]]; }),
          markLine: { silent: true, symbol: 'none', lineStyle: { color: '#b3261e', type: 'dashed' }, data: [{ xAxis: 0 }] } }
      ]
    });
    window.addEventListener('resize', function () { c.resize(); });
  };
  kinds.interval = function (el, d) {
    var c = echarts.init(el, null, { renderer: 'svg' });
    var series = [];
    d.variants.forEach(function (v) {
      series.push({ name: v.variant + ' lift', type: 'line', data: v.lift });
      series.push({ name: v.variant + ' low', type: 'line', data: v.low, lineStyle: { type: 'dashed' }, symbol: 'none' });
      series.push({ name: v.variant + ' high', type: 'line', data: v.high, lineStyle: { type: 'dashed' }, symbol: 'none' });
    });
    c.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: pct },
      legend: {},
      grid: { left: 70, right: 30, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: d.at },
      yAxis: { type: 'value', name: d.metric + ': relative lift', axisLabel: { formatter: function (v) { return (100 * v).toFixed(0) + ' %'; } } },
      series: series
    });
    window.addEventListener('resize', function () { c.resize(); });
  };
})();
