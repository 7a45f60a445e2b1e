// The SQL console: validation as you type (debounced), results as a table, the whole result as CSV.
import {api, fetchBlob, message} from '../api.js';
import {clear, count, debounce, field, h, saveBlob, table} from '../dom.js';

export async function render(main, params, query) {
  const sql = h('textarea#sql', {name: 'sql', rows: 8, spellcheck: false, autocapitalize: 'off', 'aria-describedby': 'sql-check',
    placeholder: 'SELECT * FROM my_dataset LIMIT 100'});
  sql.value = query.get('sql') || sessionStorage.getItem('tributary.sql') || '';
  const check = h('div.validation#sql-check', {role: 'status', 'aria-live': 'polite'});
  const limit = h('input#limit', {type: 'number', min: 1, max: 10000, value: 1000, inputmode: 'numeric'});
  const run = h('button.primary#run', {type: 'submit'}, 'Run');
  const csv = h('button#csv', {type: 'button'}, 'Download CSV');
  const output = h('section#result', {'aria-labelledby': 'result-title', 'aria-live': 'polite'});
  const tables = h('ul.tables');

  let validated = null;
  let inflight = null;
  const validate = debounce(async () => {
    const text = sql.value.trim();
    if (!text) {
      clear(check);
      sql.removeAttribute('aria-invalid');
      return;
    }
    if (text === validated) return;
    inflight?.abort();
    inflight = new AbortController();
    try {
      const r = await api('POST', '/api/v1/query/validate', {sql: text}, {signal: inflight.signal});
      validated = text;
      showCheck(check, sql, text, r);
    } catch (err) {
      if (err.name !== 'AbortError') clear(check, h('span.error', message(err)));
    }
  }, 600);
  sql.addEventListener('input', () => {
    sessionStorage.setItem('tributary.sql', sql.value);
    validate();
  });
  sql.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const form = h('form#query-form', {
    onsubmit: async e => {
      e.preventDefault();
      const text = sql.value.trim();
      if (!text) return;
      validate.cancel();
      run.disabled = true;
      clear(output, h('p', {'aria-busy': 'true'}, 'Running…'));
      try {
        const r = await api('POST', '/api/v1/query/sql', {sql: text, limit: Number(limit.value) || 1000});
        clear(check);
        sql.removeAttribute('aria-invalid');
        clear(output,
          h('h2#result-title', 'Result'),
          h('p.meta#result-meta', `${count(r.row_count)} rows${r.truncated ? ' (more exist: raise the limit or download CSV)' : ''}` +
            ` · ${r.execution_time_ms} ms${r.cached ? ' · from cache' : ''}`),
          table(r.columns, r.results, {caption: 'Query result', max: 10000}));
      } catch (err) {
        clear(output, h('h2#result-title', 'Result'), h('p.error', {role: 'alert'}, message(err)));
        if (err.details?.errors) showCheck(check, sql, text, {valid: false, errors: err.details.errors});
      } finally {
        run.disabled = false;
      }
    },
  },
  field('SQL', sql, 'Tables are your dataset names; quote column names with spaces or capitals ("My column"). Ctrl+Enter runs.'),
  check,
  h('div.row', field('Row limit', limit), h('div.actions', run, csv)));

  csv.addEventListener('click', async () => {
    const text = sql.value.trim();
    if (!text) return;
    csv.disabled = true;
    try {
      const {blob} = await fetchBlob('POST', '/api/v1/query/sql', {sql: text}, 'text/csv');
      saveBlob(blob, 'result.csv');
    } catch (err) {
      clear(output, h('p.error', {role: 'alert'}, message(err)));
    } finally {
      csv.disabled = false;
    }
  });

  main.append(h('h1', 'SQL console'),
    h('div.console', h('div', form, output), h('aside.card', {'aria-labelledby': 'tables-title'}, h('h2#tables-title', 'Tables'), tables)));
  listTables(tables, sql);
  if (sql.value) validate();
}

/** Shows validation: "valid", or each error with its line and column when the server gives a position. */
function showCheck(check, sql, text, r) {
  if (r.valid) {
    sql.removeAttribute('aria-invalid');
    clear(check, h('span.ok', '✓ Valid query'));
    return;
  }
  sql.setAttribute('aria-invalid', 'true');
  clear(check, h('ul.errors', (r.errors || []).map(e => {
    let where = '';
    if (Number.isInteger(e.position)) {
      const before = text.slice(0, e.position).split('\n');
      where = `Line ${before.length}, column ${before[before.length - 1].length + 1}: `;
    }
    return h('li.error', where + (e.message || JSON.stringify(e)));
  })));
}

async function listTables(into, sql) {
  try {
    const page = await api('GET', '/api/v1/data/datasets?limit=500');
    clear(into, page.items.length ? page.items.map(d => h('li',
      h('details', h('summary', d.name, h('span.type', ` ${count(d.row_count)} rows`)),
        h('ul', (d.schema || []).map(c => h('li', h('code', c.name), ' ', h('span.type', c.type)))),
        h('button.link', {type: 'button', onclick: () => {
          sql.value = `SELECT * FROM ${d.name} LIMIT 100`;
          sql.dispatchEvent(new Event('input'));
          sql.focus();
        }}, `Query ${d.name}`)))) : h('li', 'No datasets yet.'));
  } catch (err) {
    clear(into, h('li.error', message(err)));
  }
}
