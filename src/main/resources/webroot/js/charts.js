// Draws a visualization from its data: uPlot for line charts, Chart.js for bar, pie and scatter, HTML for
// tables and single numbers. Each drawn chart is listed in window.tributaryCharts by viz id (tests read it).
import {clear, format, h, NUMERIC, table} from './dom.js';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#e07000', '#9467bd', '#8c564b', '#c2378f', '#127f8c', '#5d6b00', '#4e4e4e'];
const TIME = /^(DATE|TIMESTAMP)/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
export const charts = window.tributaryCharts ||= {};

/**
 * Draws viz (chart_type, config, title) into body; answers a handle: setData(data) replaces the data,
 * append(records, window) adds live records (keeping the last window of them), destroy().
 */
export function drawViz(body, viz, data) {
  const key = viz.viz_id || 'preview';
  let rows = [];
  let columns = [];
  let drawn = null;
  const observer = new ResizeObserver(() => drawn?.resize?.());
  observer.observe(body);

  const draw = () => {
    drawn?.destroy?.();
    drawn = null;
    clear(body);
    try {
      drawn = DRAW[viz.chart_type]?.(body, viz, columns, rows) ?? unknown(body, viz);
      charts[key] = {type: drawn.kind, chart: drawn.chart, rows, columns};
    } catch (err) {
      clear(body, h('p.error', `This chart cannot be drawn: ${err.message}`));
    }
  };
  const handle = {
    setData(d) {
      if (d?.error) {
        drawn?.destroy?.();
        drawn = null;
        delete charts[key];
        clear(body, h('p.error', {role: 'note'}, `${d.error.code ? d.error.code + ': ' : ''}${d.error.message || d.error}`));
        return;
      }
      columns = d?.columns || [];
      rows = d?.results || [];
      draw();
    },
    append(records, window = 200) {
      rows = rows.concat(records);
      if (rows.length > window) rows = rows.slice(rows.length - window);
      if (!columns.length && records.length) columns = Object.keys(records[0]).map(name => ({name}));
      if (drawn?.update && drawn.update(columns, rows) !== false) {
        charts[key].rows = rows;
      } else {
        draw();
      }
    },
    destroy() {
      observer.disconnect();
      drawn?.destroy?.();
      if (charts[key]?.chart === drawn?.chart) delete charts[key];
    },
  };
  if (data) handle.setData(data);
  return handle;
}

const DRAW = {
  line: (body, viz, columns, rows) => linePlot(body, viz, columns, rows),
  bar: (body, viz, columns, rows) => chartJs(body, viz, columns, rows, 'bar'),
  pie: (body, viz, columns, rows) => chartJs(body, viz, columns, rows, 'pie'),
  scatter: (body, viz, columns, rows) => chartJs(body, viz, columns, rows, 'scatter'),
  table: (body, viz, columns, rows) => {
    body.append(table(columns, rows, {caption: viz.title, max: 200}));
    return {kind: 'table'};
  },
  number: (body, viz, columns, rows) => {
    const el = h('p.big-number');
    body.append(el);
    const update = (cols, all) => {
      const y = yColumns(viz, cols)[0];
      const last = all.length ? all[all.length - 1] : null;
      el.textContent = last && y ? formatNumber(last[y]) : '–';
      el.setAttribute('aria-label', `${viz.title}: ${el.textContent}`);
    };
    update(columns, rows);
    return {kind: 'number', update};
  },
};

function unknown(body, viz) {
  body.append(h('p.error', `Unknown chart type ${viz.chart_type}`));
  return {kind: 'none'};
}

function yColumns(viz, columns) {
  const y = viz.config?.y;
  const list = Array.isArray(y) ? y : y ? [y] : [];
  if (list.length) return list;
  const numeric = columns.filter(c => NUMERIC.test(c.type || '') && c.name !== viz.config?.x).map(c => c.name);
  return numeric.length ? [numeric[0]] : columns.slice(-1).map(c => c.name);
}

function xColumn(viz, columns) {
  return viz.config?.x || columns[0]?.name;
}

function formatNumber(v) {
  return typeof v === 'number' ? v.toLocaleString('en-US', {maximumFractionDigits: 2}) : format(v);
}

/** x values as numbers: times as epoch seconds, numbers as themselves; null when neither. */
function numericX(values, type) {
  const isTime = TIME.test(type || '') || values.some(v => typeof v === 'string' && ISO_DATE.test(v));
  const out = values.map(v => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    if (isTime) {
      const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
      return isNaN(t) ? null : t / 1000;
    }
    const n = Number(v);
    return v === '' || isNaN(n) ? null : n;
  });
  return {isTime, values: out, ok: out.every(v => v !== null)};
}

/**
 * Groups rows into series: with config.series one line per distinct value of that column (first y column),
 * else one line per y column. Answers {xs, lines:[{label, values}]} with xs in first-seen order.
 */
function pivot(viz, columns, rows) {
  const x = xColumn(viz, columns);
  const ys = yColumns(viz, columns);
  const series = viz.config?.series;
  const index = new Map();
  const xs = [];
  for (const r of rows) {
    const k = r[x] === null || r[x] === undefined ? '∅' : String(r[x]);
    if (!index.has(k)) { index.set(k, xs.length); xs.push(r[x]); }
  }
  if (!series) {
    return {x, xs, lines: ys.map(y => {
      const values = new Array(xs.length).fill(null);
      for (const r of rows) values[index.get(r[x] === null || r[x] === undefined ? '∅' : String(r[x]))] = num(r[y]);
      return {label: y, values};
    })};
  }
  const groups = new Map();
  for (const r of rows) {
    const g = format(r[series]);
    if (!groups.has(g)) groups.set(g, new Array(xs.length).fill(null));
    groups.get(g)[index.get(r[x] === null || r[x] === undefined ? '∅' : String(r[x]))] = num(r[ys[0]]);
  }
  return {x, xs, lines: [...groups].map(([label, values]) => ({label, values}))};
}

function num(v) {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return isNaN(n) ? null : n;
}

function linePlot(body, viz, columns, rows) {
  const holder = h('div.plot', {role: 'img'});
  body.append(holder);
  const build = (cols, all) => {
    const {x, xs, lines} = pivot(viz, cols, all);
    const xType = cols.find(c => c.name === x)?.type;
    const nx = numericX(xs, xType);
    const xValues = nx.ok ? nx.values : xs.map((_, i) => i);
    const order = xValues.map((_, i) => i).sort((a, b) => xValues[a] - xValues[b]);
    const data = [order.map(i => xValues[i]), ...lines.map(l => order.map(i => l.values[i]))];
    const labels = nx.ok ? null : order.map(i => format(xs[i]));
    holder.setAttribute('aria-label', `Line chart ${viz.title}: ${lines.map(l => l.label).join(', ')} by ${x}, ${xs.length} points`);
    return {data, lines, isTime: nx.ok && nx.isTime, labels, x};
  };
  let model = build(columns, rows);
  const size = () => ({width: Math.max(body.clientWidth, 200), height: Math.max(body.clientHeight - 56, 80)});
  const options = {
    ...size(),
    scales: {x: {time: model.isTime}, y: {distr: viz.config?.log_y ? 3 : 1}},
    tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    series: [
      model.labels ? {label: model.x, value: (u, v) => model.labels[v] ?? ''} : {label: model.x},
      ...model.lines.map((l, i) => ({label: l.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true,
        points: {show: model.data[0].length < 60}})),
    ],
    axes: [model.labels ? {values: (u, splits) => splits.map(v => model.labels[Math.round(v)] ?? '')} : {}, {}],
  };
  const u = new uPlot(options, model.data, holder);
  return {
    kind: 'uplot',
    chart: u,
    resize: () => u.setSize(size()),
    update: (cols, all) => {
      const next = build(cols, all);
      if (next.lines.length !== model.lines.length || next.lines.some((l, i) => l.label !== model.lines[i].label)
        || !!next.labels !== !!model.labels) {
        return false; // uPlot takes its series up front: a new one means drawing again
      }
      model = next;
      u.setData(next.data);
      return true;
    },
    destroy: () => u.destroy(),
  };
}

function chartJs(body, viz, columns, rows, type) {
  const canvas = h('canvas', {role: 'img'});
  body.append(h('div.canvas-box', canvas));
  const config = chartConfig(viz, columns, rows, type);
  canvas.setAttribute('aria-label', config.summary);
  const chart = new Chart(canvas, config.chart);
  return {
    kind: 'chartjs',
    chart,
    update: (cols, all) => {
      const next = chartConfig(viz, cols, all, type);
      chart.data.labels = next.chart.data.labels;
      chart.data.datasets = next.chart.data.datasets;
      canvas.setAttribute('aria-label', next.summary);
      chart.update('none');
    },
    destroy: () => chart.destroy(),
  };
}

function chartConfig(viz, columns, rows, type) {
  const {x, xs, lines} = pivot(viz, columns, rows);
  const cfg = viz.config || {};
  const common = {responsive: true, maintainAspectRatio: false, animation: false,
    plugins: {legend: {display: type === 'pie' || lines.length > 1, position: 'bottom'}}};
  if (type === 'pie') {
    return {
      summary: `Pie chart ${viz.title}: ${lines[0]?.label} by ${x}, ${xs.length} slices`,
      chart: {type: 'pie', options: common, data: {labels: xs.map(format), datasets: [{label: lines[0]?.label,
        data: lines[0]?.values || [], backgroundColor: xs.map((_, i) => PALETTE[i % PALETTE.length])}]}},
    };
  }
  if (type === 'scatter') {
    const xType = columns.find(c => c.name === x)?.type;
    const nx = numericX(xs, xType);
    return {
      summary: `Scatter chart ${viz.title}: ${lines.map(l => l.label).join(', ')} against ${x}`,
      chart: {type: 'scatter', options: {...common, scales: {
        x: {type: 'linear', title: {display: true, text: x},
          ticks: nx.isTime ? {callback: v => new Date(v * 1000).toISOString().slice(0, 10)} : {}},
        y: {type: cfg.log_y ? 'logarithmic' : 'linear'}}},
      data: {datasets: lines.map((l, i) => ({label: l.label, backgroundColor: PALETTE[i % PALETTE.length],
        data: nx.values.map((xv, j) => ({x: xv, y: l.values[j]})).filter(p => p.x !== null && p.y !== null)}))}},
    };
  }
  return {
    summary: `Bar chart ${viz.title}: ${lines.map(l => l.label).join(', ')} by ${x}, ${xs.length} bars`,
    chart: {type: 'bar', options: {...common, scales: {
      x: {stacked: !!cfg.stacked, title: {display: true, text: x}},
      y: {stacked: !!cfg.stacked, type: cfg.log_y ? 'logarithmic' : 'linear', beginAtZero: !cfg.log_y}}},
    data: {labels: xs.map(format), datasets: lines.map((l, i) => ({label: l.label, data: l.values,
      backgroundColor: PALETTE[i % PALETTE.length]}))}},
  };
}
