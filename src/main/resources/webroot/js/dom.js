// Small DOM helpers: elements are built with h() (text is always set as text, never parsed as HTML).

/** h('tag.class#id', {attr: value, onclick: fn}, ...children) */
export function h(spec, attrs, ...children) {
  const [, tag = 'div', rest = ''] = /^([a-z0-9-]*)(.*)$/i.exec(spec);
  const el = document.createElement(tag || 'div');
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else if (key === 'class') el.className = value;
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key in PROPS) el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

const PROPS = {value: 1, checked: 1, selected: 1, disabled: 1, hidden: 1, htmlFor: 1, multiple: 1};

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'f') {
  return `${prefix}-${++ids}`;
}

/** A labelled form field: field('Name', input) wires the label to the control. */
export function field(label, control, hint) {
  control.id ||= uid();
  const hintEl = hint ? h('small.hint', {id: uid('hint')}, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div.field', h('label', {htmlFor: control.id}, label), control, hintEl);
}

/** A table of rows (objects) for the given columns ([{name, type?}]); values formatted for reading. */
export function table(columns, rows, {caption, max = 1000, numericTypes = NUMERIC} = {}) {
  const numeric = columns.map(c => c.numeric ?? numericTypes.test(c.type || ''));
  const shown = rows.slice(0, max);
  return h('div.table-wrap', {tabindex: 0, role: 'region', 'aria-label': caption || 'Table'},
    h('table',
      caption ? h('caption', caption) : null,
      h('thead', h('tr', columns.map((c, i) => h('th', {scope: 'col', class: numeric[i] ? 'num' : null},
        c.name, c.type ? h('span.type', c.type) : null)))),
      h('tbody', shown.map(row => h('tr', columns.map((c, i) => h('td', {class: numeric[i] ? 'num' : null},
        format(row[c.name]))))))),
    rows.length > max ? h('p.note', `Showing ${max.toLocaleString()} of ${rows.length.toLocaleString()} rows.`) : null);
}

export const NUMERIC = /^(BIGINT|INTEGER|INT|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|DOUBLE|FLOAT|REAL|DECIMAL.*|NUMERIC.*)$/i;

export function format(value) {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e4) / 1e4);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export function count(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
}

export function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

/** Calls fn after ms without further calls; .cancel() drops a pending call. */
export function debounce(fn, ms) {
  let timer;
  const run = (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  run.cancel = () => clearTimeout(timer);
  return run;
}

/** Saves a Blob under a file name through a temporary link. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', {href: url, download: filename, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
