// A segment's page: its charts (ECharts, SVG, no animation) from the data-series attribute of each [data-segchart]
// element. No inline scripts: the Content-Security-Policy allows none.
(function () {
  'use strict';
  var kinds = {
    history: function (d) {
      return {
        tooltip: { trigger: 'axis' }, grid: { left: 60, right: 20, top: 20, bottom: 30 },
        xAxis: { type: 'category', data: d.days }, yAxis: { type: 'value', name: 'Members' },
        series: [{ name: 'Members', type: 'line', step: 'end', symbolSize: 6, data: d.sizes }]
      };
    },
    pnl: function (d) {
      return {
        tooltip: {}, grid: { left: 80, right: 20, top: 20, bottom: 30 },
        xAxis: { type: 'category', data: ['Gross', 'Returned', 'Net', 'Profit'] }, yAxis: { type: 'value' },
        series: [{ type: 'bar', data: [d.gross, { value: -d.returned, itemStyle: { color: '#b3261e' } }, d.net, d.profit] }]
      };
    },
    rfm: function (d) {
      var scores = ['1', '2', '3', '4', '5'];
      return {
        tooltip: { formatter: function (p) { return 'R ' + (p.value[1] + 1) + ', F ' + (p.value[0] + 1) + ': ' + p.value[2]; } },
        grid: { left: 60, right: 20, top: 20, bottom: 70 },
        xAxis: { type: 'category', data: scores, name: 'Frequency score', nameLocation: 'middle', nameGap: 26 },
        yAxis: { type: 'category', data: scores, name: 'Recency score', nameLocation: 'middle', nameGap: 30 },
        visualMap: { min: 0, max: Math.max(1, d.max), calculable: false, orient: 'horizontal', left: 'center', bottom: 0,
          inRange: { color: ['#f3f6fc', '#2456c7'] } },
        series: [{ type: 'heatmap', data: d.cells, label: { show: true } }]
      };
    },
    overlap: function (d) {
      return {
        tooltip: { trigger: 'axis' }, grid: { left: 140, right: 30, top: 10, bottom: 30 },
        xAxis: { type: 'value', name: '% of this segment', max: 100 }, yAxis: { type: 'category', data: d.names },
        series: [{ type: 'bar', data: d.shares }]
      };
    }
  };
  function draw() {
    document.querySelectorAll('[data-segchart]').forEach(function (el) {
      var kind = kinds[el.dataset.segchart];
      if (!kind || !window.echarts || el.dataset.drawn) { return; }
      var c = echarts.init(el, null, { renderer: 'svg' });
      var option = kind(JSON.parse(el.dataset.series));
      option.animation = false;
      c.setOption(option);
      el.dataset.drawn = 'yes';
      window.addEventListener('resize', function () { c.resize(); });
    });
  }
  document.addEventListener('DOMContentLoaded', draw);
  // The figures arrive later, from the page's background part (htmx swaps them in): draw what came.
  document.addEventListener('htmx:afterSettle', draw);
})();
