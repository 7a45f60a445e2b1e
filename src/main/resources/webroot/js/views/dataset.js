// One dataset: its metadata, schema, profile (per-column statistics and issues) and download.
import {api, fetchBlob, message} from '../api.js';
import {bytes, clear, count, h, saveBlob, table, when} from '../dom.js';
import {navigate} from '../nav.js';

export async function render(main, [id]) {
  let d;
  try {
    d = await api('GET', `/api/v1/data/datasets/${id}`);
  } catch (err) {
    main.append(h('h1', 'Dataset'), h('p.error', {role: 'alert'}, message(err)));
    return;
  }
  const actionStatus = h('span.status', {role: 'status'});
  const download = h('button#download', {type: 'button'}, 'Download Parquet');
  download.addEventListener('click', async () => {
    download.disabled = true;
    actionStatus.textContent = 'Preparing the download…';
    try {
      const {blob, filename} = await fetchBlob('GET', `/api/v1/data/datasets/${id}/download`, undefined, 'application/octet-stream');
      saveBlob(blob, filename || `${d.name}.parquet`);
      actionStatus.textContent = `Downloaded ${bytes(blob.size)}.`;
    } catch (err) {
      actionStatus.textContent = message(err);
    } finally {
      download.disabled = false;
    }
  });
  const remove = h('button.danger', {type: 'button'}, 'Delete…');
  remove.addEventListener('click', async () => {
    if (!confirm(`Delete the dataset ${d.name}, its profile and its files?`)) return;
    try {
      await api('DELETE', `/api/v1/data/datasets/${id}`);
      navigate('/datasets');
    } catch (err) {
      actionStatus.textContent = message(err);
    }
  });
  const sql = `SELECT * FROM ${d.name} LIMIT 100`;
  const profile = h('section#profile', {'aria-labelledby': 'profile-title', 'aria-busy': 'true'},
    h('h2#profile-title', 'Profile'), h('p', 'Loading…'));
  main.append(
    h('h1', d.name),
    h('dl.facts',
      fact('Status', h('span', {class: `badge ${d.status}`}, d.status)),
      fact('Rows', count(d.row_count)), fact('Columns', count(d.column_count)), fact('Size', bytes(d.size_bytes)),
      fact('Version', d.version ?? '–'), fact('Source', d.source_type || '–'),
      fact('Created', when(d.created_at)), fact('Updated', when(d.updated_at))),
    h('div.actions', download, h('a.button', {href: `/query?sql=${encodeURIComponent(sql)}`}, 'Query it'), remove, actionStatus),
    h('section', {'aria-labelledby': 'schema-title'}, h('h2#schema-title', 'Schema'),
      table([{name: 'Column'}, {name: 'Type'}], (d.schema || []).map(c => ({Column: c.name, Type: c.type})),
        {caption: 'Columns and their types'})),
    profile);
  try {
    showProfile(profile, await api('GET', `/api/v1/data/profile/${id}`));
  } catch (err) {
    clear(profile, h('h2#profile-title', 'Profile'),
      h('p', err.status === 409 ? 'The profile is not ready yet: the dataset is still being processed.' : message(err)));
  }
  profile.removeAttribute('aria-busy');
}

function fact(label, value) {
  return h('div', h('dt', label), h('dd', value));
}

function showProfile(section, p) {
  const columns = [
    {name: 'Column'}, {name: 'Type'}, {name: 'Nulls', numeric: true}, {name: 'Null %', numeric: true},
    {name: 'Unique', numeric: true}, {name: 'Min'}, {name: 'Max'}, {name: 'Mean', numeric: true},
    {name: 'Std dev', numeric: true},
  ];
  const rows = (p.columns || []).map(c => ({
    Column: c.name, Type: c.type, Nulls: c.null_count, 'Null %': round(c.null_percentage), Unique: c.unique_count,
    Min: c.min, Max: c.max, Mean: round(c.mean), 'Std dev': round(c.std_dev),
  }));
  const score = typeof p.quality_score === 'number' ? p.quality_score : null;
  const issues = p.issues || [];
  clear(section,
    h('h2#profile-title', 'Profile'),
    h('dl.facts',
      fact('Quality score', score === null ? '–'
        : h('span', h('meter', {min: 0, max: 1, low: 0.6, high: 0.85, optimum: 1, value: score, 'aria-label': 'Quality score'}),
          ` ${Math.round(score * 100)} / 100`)),
      fact('Rows', count(p.row_count)),
      fact('Duplicate rows', p.duplicate_rows === null || p.duplicate_rows === undefined ? 'not computed' : count(p.duplicate_rows))),
    h('h3', 'Columns'),
    table(columns, rows, {caption: 'Statistics per column'}),
    h('h3', 'Issues'),
    issues.length
      ? h('ul.issues#issues', issues.map(i => h('li', {class: `severity-${i.severity}`},
        h('span', {class: `badge ${i.severity}`}, i.severity), ' ',
        h('strong', i.column ?? 'dataset'), ` · ${i.issue_type}: `, i.description)))
      : h('p#issues', 'No issues found.'));
}

function round(v) {
  return typeof v === 'number' ? Math.round(v * 1000) / 1000 : v ?? null;
}
