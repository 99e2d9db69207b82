// Charts of the Value, CLV, Clusters, Lookalikes, Conversions, Surveys and Home (this week) views, registered for app.js,
// which draws every [data-chart] element from its data-series attribute (ECharts, SVG, no animation).
(function () {
  'use strict';
  var charts = window.SegmentaCharts = window.SegmentaCharts || {};
  function chart(el, option) {
    var c = echarts.init(el, null, { renderer: 'svg' });
    option.animation = false;
    c.setOption(option);
    window.addEventListener('resize', function () { c.resize(); });
    return c;
  }
  charts.bubbles = function (el, d) {
    var max = Math.max.apply(null, d.map(function (p) { return p.index || 0; }).concat([1]));
    chart(el, {
      tooltip: { formatter: function (p) { return p.data.name + '<br>members ' + p.data.value[0] + '<br>net revenue ' + p.data.value[1] + '<br>index ' + p.data.value[2]; } },
      grid: { left: 80, right: 30, top: 30, bottom: 50 },
      xAxis: { type: 'value', name: 'Members', nameLocation: 'middle', nameGap: 30, scale: true },
      yAxis: { type: 'value', name: 'Net revenue', scale: true },
      series: [{
        type: 'scatter',
        data: d.map(function (p) {
          return { name: p.name, value: [p.members, p.net, p.index], itemStyle: { color: p.trap ? '#b3261e' : '#2456c7', opacity: 0.7 } };
        }),
        symbolSize: function (v) { return 12 + 48 * Math.sqrt(Math.max(0, v[2] || 0) / max); },
        label: { show: true, formatter: function (p) { return p.data.name; }, position: 'top', fontSize: 11 }
      }]
    });
  };
  // CLV page: each segment's total expected value (bars) and expected value per customer (line, right axis).
  charts.clv = function (el, d) {
    chart(el, {
      tooltip: { trigger: 'axis' },
      legend: { data: ['Total expected value', 'Per customer'] },
      grid: { left: 30, right: 30, top: 50, bottom: 10, containLabel: true },
      xAxis: { type: 'category', data: d.segments, axisLabel: { rotate: 30, fontSize: 10, interval: 0 } },
      yAxis: [{ type: 'value', name: 'Total' }, { type: 'value', name: 'Per customer' }],
      series: [{ name: 'Total expected value', type: 'bar', data: d.total, itemStyle: { color: '#2456c7' } },
        { name: 'Per customer', type: 'line', yAxisIndex: 1, data: d.mean, itemStyle: { color: '#1e6b3a' } }]
    });
  };
  charts.clusters = function (el, d) {
    chart(el, {
      tooltip: { trigger: 'axis' },
      grid: [{ left: 60, right: '55%', top: 40, bottom: 80 }, { left: '55%', right: 30, top: 40, bottom: 80 }],
      title: [{ text: 'Customers per cluster', left: 10, textStyle: { fontSize: 13 } }, { text: 'Silhouette per k', left: '55%', textStyle: { fontSize: 13 } }],
      xAxis: [{ type: 'category', data: d.names, gridIndex: 0, axisLabel: { rotate: 30, fontSize: 10 } }, { type: 'category', data: d.ks, gridIndex: 1 }],
      yAxis: [{ type: 'value', gridIndex: 0 }, { type: 'value', gridIndex: 1, scale: true }],
      series: [{ type: 'bar', data: d.sizes, xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: '#2456c7' } },
        { type: 'line', data: d.silhouette, xAxisIndex: 1, yAxisIndex: 1, itemStyle: { color: '#1e6b3a' } }]
    });
  };
  charts.lift = function (el, d) {
    chart(el, {
      tooltip: { trigger: 'axis' },
      legend: { data: ['Lift', 'Customers'] },
      grid: { left: 70, right: 70, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: d.tiers },
      yAxis: [{ type: 'value', name: 'Lift' }, { type: 'value', name: 'Customers' }],
      series: [{ name: 'Lift', type: 'bar', data: d.lift, itemStyle: { color: '#2456c7' } },
        { name: 'Customers', type: 'line', yAxisIndex: 1, data: d.sizes, itemStyle: { color: '#5b6475' } }]
    });
  };
  charts.rates = function (el, d) {
    chart(el, {
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v == null ? '–' : (100 * v).toFixed(1) + ' %'; } },
      legend: { type: 'scroll', data: d.series.map(function (s) { return s.name; }) },
      grid: { left: 60, right: 30, top: 50, bottom: 30 },
      xAxis: { type: 'category', data: d.periods },
      yAxis: { type: 'value', axisLabel: { formatter: function (v) { return (100 * v).toFixed(0) + ' %'; } } },
      series: d.series.map(function (s) { return { name: s.name, type: 'line', data: s.data, connectNulls: false }; })
    });
  };
  charts.stacked = function (el, d) {
    chart(el, {
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v == null ? '–' : (100 * v).toFixed(1) + ' %'; } },
      legend: { type: 'scroll', data: d.series.map(function (s) { return s.name; }) },
      grid: { left: 120, right: 30, top: 50, bottom: 30 },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: function (v) { return (100 * v).toFixed(0) + ' %'; } } },
      yAxis: { type: 'category', data: d.segments },
      series: d.series.map(function (s) { return { name: s.name, type: 'bar', stack: 'answers', data: s.data }; })
    });
  };
  charts.moves = function (el, d) {
    chart(el, {
      tooltip: { trigger: 'axis' },
      legend: { data: ['Entered', 'Left'] },
      grid: { left: 120, right: 30, top: 40, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: d.segments },
      series: [{ name: 'Entered', type: 'bar', stack: 'moves', data: d.entered, itemStyle: { color: '#1e6b3a' } },
        { name: 'Left', type: 'bar', stack: 'moves', data: d.exited, itemStyle: { color: '#b3261e' } }]
    });
  };
})();
