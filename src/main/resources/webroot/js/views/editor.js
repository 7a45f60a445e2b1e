// Makes or edits a dashboard: its fields, its visualizations (query, chart type, columns, stream) and their
// places on the 12-column grid (move and resize buttons), saved with one PUT (or POST when new).
import {api, message} from '../api.js';
import {clear, field, h} from '../dom.js';
import {announce, navigate} from '../nav.js';
import {clamp, place} from '../board.js';
import {vizForm} from './vizform.js';

export async function render(main, [id]) {
  let datasets = [];
  let streams = [];
  let dashboard = {name: '', description: '', refresh_seconds: 0, visualizations: []};
  try {
    [datasets, streams] = await Promise.all([
      api('GET', '/api/v1/data/datasets?limit=500').then(p => p.items),
      api('GET', '/api/v1/streams').then(p => p.items, () => []),
    ]);
    if (id) dashboard = await api('GET', `/api/v1/dashboards/${id}`);
  } catch (err) {
    main.append(h('h1', id ? 'Edit dashboard' : 'New dashboard'), h('p.error', {role: 'alert'}, message(err)));
    return;
  }
  const vizs = (dashboard.visualizations || []).map(v => structuredClone(v));
  let failedIndex = -1;

  const name = h('input#dash-name', {type: 'text', required: true, maxlength: 200, value: dashboard.name || ''});
  const description = h('textarea#dash-description', {rows: 2, maxlength: 2000});
  description.value = dashboard.description || '';
  const refreshSeconds = h('input#dash-refresh', {type: 'number', min: 0, max: 86400, value: dashboard.refresh_seconds || 0});
  const layout = h('div.grid.editing#layout');
  const editorSlot = h('div#viz-editor-slot');
  const saveError = h('p.error#save-error', {role: 'alert'});
  const save = h('button.primary#save', {type: 'submit'}, 'Save dashboard');
  const add = h('button#add-viz', {type: 'button'}, 'Add a visualization');

  const drawLayout = (focus) => {
    clear(layout, vizs.length ? null : h('p.empty', 'No visualizations yet.'));
    vizs.forEach((v, i) => layout.append(layoutCard(v, i)));
    if (focus) layout.querySelector(focus)?.focus();
  };
  const layoutCard = (v, i) => {
    const p = v.position;
    const button = (action, label, text) => h('button.icon', {type: 'button', 'data-action': action, 'data-index': i,
      'aria-label': `${label} ${v.title}`, title: label, onclick: () => act(action, i)}, text);
    const card = h('article.viz.layout-card', {'data-index': i, class: `viz layout-card${i === failedIndex ? ' failed' : ''}`},
      h('header', h('h3', v.title), h('span.badge', v.chart_type), v.stream ? h('span.badge.live', 'live') : null),
      h('p.meta', `${v.config?.x ? `${v.config.x} → ` : ''}${(v.config?.y || []).join(', ')}${v.config?.series ? ` by ${v.config.series}` : ''}`),
      h('p.meta.position', `column ${p.x + 1}, row ${p.y + 1}, ${p.width} × ${p.height}`),
      h('div.controls', {role: 'group', 'aria-label': `Arrange ${v.title}`},
        button('left', 'Move left', '←'), button('right', 'Move right', '→'),
        button('up', 'Move up', '↑'), button('down', 'Move down', '↓'),
        button('narrower', 'Narrower', 'Narrower'), button('wider', 'Wider', 'Wider'),
        button('shorter', 'Shorter', 'Shorter'), button('taller', 'Taller', 'Taller')),
      h('div.controls',
        h('button', {type: 'button', 'data-action': 'edit', 'data-index': i, onclick: () => edit(i)}, 'Edit'),
        h('button.danger', {type: 'button', 'data-action': 'remove', 'data-index': i, 'aria-label': `Remove ${v.title}`,
          onclick: () => act('remove', i)}, 'Remove')));
    place(card, p);
    return card;
  };
  const act = (action, i) => {
    const p = vizs[i].position;
    const moves = {
      left: () => { p.x = clamp(p.x - 1, 0, 12 - p.width); },
      right: () => { p.x = clamp(p.x + 1, 0, 12 - p.width); },
      up: () => { p.y = clamp(p.y - 1, 0, 999); },
      down: () => { p.y = clamp(p.y + 1, 0, 999); },
      narrower: () => { p.width = clamp(p.width - 1, 1, 12); },
      wider: () => { p.width = clamp(p.width + 1, 1, 12 - p.x); },
      shorter: () => { p.height = clamp(p.height - 1, 1, 24); },
      taller: () => { p.height = clamp(p.height + 1, 1, 24); },
      remove: () => { vizs.splice(i, 1); },
    };
    moves[action]();
    if (action === 'remove') {
      drawLayout('#add-viz');
      add.focus();
      announce('Visualization removed');
    } else {
      drawLayout(`button[data-action="${action}"][data-index="${i}"]`);
      announce(`column ${p.x + 1}, row ${p.y + 1}, ${p.width} wide, ${p.height} high`);
    }
  };
  const edit = i => {
    const isNew = i === vizs.length;
    const viz = isNew ? {title: '', chart_type: 'bar', query: '', config: {y: []}, position: nextPosition(vizs)} : vizs[i];
    const form = vizForm(viz, {datasets, streams,
      onApply: updated => {
        vizs[i] = {...viz, ...updated, position: viz.position};
        clear(editorSlot);
        add.hidden = false;
        drawLayout(`button[data-action="edit"][data-index="${i}"]`);
        announce(`${updated.title} ${isNew ? 'added' : 'updated'}; save the dashboard to keep it`);
      },
      onCancel: () => {
        clear(editorSlot);
        add.hidden = false;
        (layout.querySelector(`button[data-action="edit"][data-index="${i}"]`) || add).focus();
      }});
    clear(editorSlot, form);
    add.hidden = true;
    form.querySelector('input, select, textarea')?.focus();
  };
  add.addEventListener('click', () => edit(vizs.length));

  const form = h('form#dashboard-form', {
    onsubmit: async e => {
      e.preventDefault();
      saveError.textContent = '';
      save.disabled = true;
      const body = {
        name: name.value.trim(), description: description.value.trim(),
        refresh_seconds: Number(refreshSeconds.value) || 0,
        visualizations: vizs,
      };
      try {
        const saved = id ? await api('PUT', `/api/v1/dashboards/${id}`, body) : await api('POST', '/api/v1/dashboards', body);
        navigate(`/dashboards/${saved.dashboard_id || id}`);
      } catch (err) {
        const index = err.details?.viz_index;
        failedIndex = Number.isInteger(index) ? index : -1;
        drawLayout();
        saveError.textContent = message(err);
        saveError.focus?.();
      } finally {
        save.disabled = false;
      }
    },
  },
  h('div.columns',
    h('div', field('Name', name), field('Description', description)),
    h('div', field('Refresh every (seconds, 0 = only live updates)', refreshSeconds))),
  h('section', {'aria-labelledby': 'layout-title'}, h('h2#layout-title', 'Visualizations'),
    h('p.hint', 'Arrange them on a 12-column grid with the arrow buttons; each row is about 80 pixels high.'),
    layout, add, editorSlot),
  saveError,
  h('div.actions', save, h('a.button', {href: id ? `/dashboards/${id}` : '/dashboards'}, 'Cancel')));
  main.append(h('h1', id ? `Edit ${dashboard.name}` : 'New dashboard'), form);
  drawLayout();
  if (!id) name.focus();
}

/** The first free place of 6 × 4 cells, scanning rows top-down. */
function nextPosition(vizs, width = 6, height = 4) {
  const overlaps = (x, y) => vizs.some(({position: p}) =>
    x < p.x + p.width && p.x < x + width && y < p.y + p.height && p.y < y + height);
  for (let y = 0; y < 1000; y++) {
    for (let x = 0; x + width <= 12; x += width) if (!overlaps(x, y)) return {x, y, width, height};
  }
  return {x: 0, y: 0, width, height};
}
