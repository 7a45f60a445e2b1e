// The form of one visualization: title, chart type, dataset and query; after running the query, its result
// columns for x, y and series; an optional live stream; a preview drawn as the dashboard will draw it.
import {api, message} from '../api.js';
import {clear, field, h, uid} from '../dom.js';
import {drawViz} from '../charts.js';

const TYPES = [['bar', 'Bar'], ['line', 'Line (time series)'], ['scatter', 'Scatter'], ['pie', 'Pie'], ['table', 'Table'],
  ['number', 'Single number']];

export function vizForm(viz, {datasets, streams, onApply, onCancel}) {
  const config = {...(viz.config || {})};
  let columns = [];
  let result = null;
  let preview = null;

  const title = h('input#viz-title', {type: 'text', required: true, maxlength: 200, value: viz.title || ''});
  const type = h('select#viz-type', TYPES.map(([v, t]) => h('option', {value: v, selected: v === viz.chart_type}, t)));
  const dataset = h('select#viz-dataset', {required: true}, h('option', {value: ''}, 'Choose a dataset'),
    datasets.map(d => h('option', {value: d.dataset_id, selected: d.dataset_id === viz.dataset_id}, d.name)));
  const query = h('textarea#viz-query', {rows: 4, required: true, spellcheck: false});
  query.value = viz.query || '';
  const run = h('button#viz-run', {type: 'button'}, 'Run query');
  const runStatus = h('div.validation#viz-run-status', {role: 'status', 'aria-live': 'polite'});
  const x = h('select#viz-x');
  const yBox = h('fieldset.checks#viz-y', h('legend', 'Y columns'), h('p.hint', 'Run the query to choose its columns.'));
  const series = h('select#viz-series');
  const stacked = h('input#viz-stacked', {type: 'checkbox', checked: !!config.stacked});
  const logY = h('input#viz-log', {type: 'checkbox', checked: !!config.log_y});
  const stream = h('select#viz-stream', h('option', {value: ''}, 'None (query results)'),
    streams.map(s => h('option', {value: s.name, selected: s.name === viz.stream?.name}, s.name)));
  const windowSize = h('input#viz-window', {type: 'number', min: 1, max: 10000, value: viz.stream?.window || 200});
  const filters = h('input#viz-filters', {type: 'text', spellcheck: false,
    value: Object.entries(viz.stream?.filters || {}).map(([k, v]) => `${k}=${v}`).join(', ')});
  const previewBody = h('div.viz-body');
  const error = h('p.error#viz-error', {role: 'alert'});

  dataset.addEventListener('change', () => {
    const d = datasets.find(ds => ds.dataset_id === dataset.value);
    if (d && !query.value.trim()) query.value = `SELECT * FROM ${d.name} LIMIT 1000`;
  });
  stream.addEventListener('change', () => {
    const s = streams.find(st => st.name === stream.value);
    if (s?.dataset_id && [...dataset.options].some(o => o.value === s.dataset_id)) dataset.value = s.dataset_id;
    if (s && !query.value.trim()) query.value = `SELECT * FROM ${s.name} ORDER BY 1 DESC LIMIT 200`;
  });

  const chosen = () => ({
    x: x.value || undefined,
    y: [...yBox.querySelectorAll('input:checked')].map(c => c.value),
    series: series.value || undefined,
    stacked: stacked.checked || undefined,
    log_y: logY.checked || undefined,
  });
  const fillColumns = () => {
    const names = columns.map(c => c.name);
    const keepX = names.includes(config.x) ? config.x : names[0];
    clear(x, h('option', {value: ''}, '(none)'), names.map(n => h('option', {value: n, selected: n === keepX}, n)));
    const ys = (config.y || []).filter(n => names.includes(n));
    const others = names.filter(n => n !== keepX);
    const defaultY = ys.length ? ys : others.length ? others.slice(0, 1) : names.slice(0, 1);
    clear(yBox, h('legend', 'Y columns'), columns.map(c => {
      const box = h('input', {type: 'checkbox', value: c.name, id: uid('y'), checked: defaultY.includes(c.name)});
      return h('div.check', box, h('label', {htmlFor: box.id}, c.name, h('span.type', ` ${c.type || ''}`)));
    }));
    clear(series, h('option', {value: ''}, '(none)'),
      names.map(n => h('option', {value: n, selected: n === config.series}, n)));
  };
  const redraw = () => {
    Object.assign(config, chosen());
    preview?.destroy();
    preview = result ? drawViz(previewBody, {...viz, title: title.value || 'Preview', chart_type: type.value, config}, result) : null;
  };
  const runQuery = async () => {
    const sql = query.value.trim();
    if (!sql) return;
    run.disabled = true;
    clear(runStatus, 'Running…');
    try {
      result = await api('POST', '/api/v1/query/sql', {sql, limit: 2000});
      columns = result.columns;
      clear(runStatus, h('span.ok', `${result.row_count} rows, columns: ${columns.map(c => c.name).join(', ')}`));
      fillColumns();
      redraw();
    } catch (err) {
      clear(runStatus, h('span.error', message(err)));
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', runQuery);
  for (const el of [type, x, series, stacked, logY]) el.addEventListener('change', redraw);
  yBox.addEventListener('change', redraw);

  const apply = h('button.primary#viz-apply', {type: 'button'}, viz.title ? 'Apply changes' : 'Add to dashboard');
  apply.addEventListener('click', () => {
    Object.assign(config, chosen());
    const problems = [];
    if (!title.value.trim()) problems.push('a title');
    if (!dataset.value) problems.push('a dataset');
    if (!query.value.trim()) problems.push('a query');
    if (!columns.length && !(viz.config?.y || []).length) problems.push('to run the query and choose columns');
    else if (type.value !== 'table' && !config.y.length) problems.push('at least one Y column');
    if (['line', 'bar', 'scatter', 'pie'].includes(type.value) && !config.x) problems.push('an X column');
    if (problems.length) {
      error.textContent = `Still needed: ${problems.join(', ')}.`;
      return;
    }
    const out = {
      title: title.value.trim(), chart_type: type.value, dataset_id: dataset.value, query: query.value.trim(),
      config: Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
    };
    if (stream.value) {
      out.stream = {name: stream.value, window: Number(windowSize.value) || 200, filters: parseFilters(filters.value)};
    } else {
      out.stream = undefined;
    }
    preview?.destroy();
    onApply(out);
  });
  const cancel = h('button#viz-cancel', {type: 'button', onclick: () => { preview?.destroy(); onCancel(); }}, 'Cancel');

  const form = h('section.card.viz-form#viz-form', {'aria-labelledby': 'viz-form-title'},
    h('h3#viz-form-title', viz.title ? `Edit ${viz.title}` : 'New visualization'),
    h('div.columns',
      h('div',
        field('Title', title), field('Chart type', type), field('Dataset', dataset),
        field('Query', query, 'SQL over your datasets; its result columns become the chart\'s columns.'),
        h('div.actions', run), runStatus,
        h('div.columns',
          field('X column', x),
          field('Series column (one line or bar group per value)', series)),
        yBox,
        h('div.field.check', stacked, h('label', {htmlFor: 'viz-stacked'}, 'Stacked bars')),
        h('div.field.check', logY, h('label', {htmlFor: 'viz-log'}, 'Logarithmic Y axis')),
        h('details', h('summary', 'Live stream'),
          field('Stream', stream, 'Live records of the stream are added to the chart as they arrive.'),
          field('Records kept', windowSize),
          field('Filters', filters, 'field=value, separated by commas; empty for every record.'))),
      h('div', h('h4', 'Preview'), h('div.preview', previewBody))),
    error,
    h('div.actions', apply, cancel));
  if (viz.query) runQuery();
  return form;
}

function parseFilters(text) {
  const out = {};
  for (const part of text.split(',')) {
    const [k, ...rest] = part.split('=');
    if (k?.trim() && rest.length) out[k.trim()] = rest.join('=').trim();
  }
  return out;
}
