// Segmenta's web app: charts drawn from the data-series attribute of each [data-chart] element (ECharts, SVG), the
// session's CSRF token on every htmx request. No inline scripts: the Content-Security-Policy allows none.
(function () {
  'use strict';
  // Other pages' charts register in window.SegmentaCharts (charts.js, loaded first).
  var charts = window.SegmentaCharts = window.SegmentaCharts || {};
  Object.assign(charts, {
    trend: function (el, d) {
      var c = echarts.init(el, null, { renderer: 'svg' });
      c.setOption({
        animation: false, // drawn at once: nothing moves (reduced motion) and screenshots show the chart
        tooltip: { trigger: 'axis' },
        legend: { data: ['Net revenue', 'Orders', 'Buyers'] },
        grid: { left: 70, right: 70, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: d.months },
        yAxis: [{ type: 'value', name: 'Net revenue' }, { type: 'value', name: 'Orders, buyers' }],
        series: [
          { name: 'Net revenue', type: 'bar', data: d.net },
          { name: 'Orders', type: 'line', yAxisIndex: 1, data: d.orders },
          { name: 'Buyers', type: 'line', yAxisIndex: 1, data: d.buyers }
        ]
      });
      window.addEventListener('resize', function () { c.resize(); });
    }
  });
  function draw(root) {
    (root || document).querySelectorAll('[data-chart]').forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var kind = charts[el.dataset.chart] || (window.segmentaCharts || {})[el.dataset.chart];
      if (kind && window.echarts) {
        kind(el, JSON.parse(el.dataset.series));
        el.dataset.drawn = 'yes';
      }
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    draw(document);
    if (window.htmx) {
      htmx.onLoad(draw);
      document.body.addEventListener('htmx:configRequest', function (e) {
        var m = document.querySelector('meta[name="csrf-token"]');
        if (m) { e.detail.headers['X-CSRF-Token'] = m.content; }
      });
    }
  });
})();
