// The dataset list, the upload form (upload progress, then the job live) and, on an empty account, the samples.
import {api, message, upload} from '../api.js';
import {bytes, clear, count, field, h, when} from '../dom.js';
import {watchJob} from '../jobs.js';
import {announce} from '../nav.js';
import {loadSamples} from '../samples.js';

export async function render(main) {
  const list = h('div#dataset-list', {'aria-busy': 'true'}, 'Loading…');
  const samples = h('section.card#samples', {hidden: true, 'aria-labelledby': 'samples-title'});
  main.append(
    h('h1', 'Datasets'),
    h('div.columns',
      uploadForm(() => refresh()),
      samples),
    h('section', {'aria-labelledby': 'list-title'}, h('h2#list-title', 'Your datasets'), list));

  async function refresh() {
    try {
      const items = [];
      let offset = 0;
      do {
        const page = await api('GET', `/api/v1/data/datasets?limit=500&offset=${offset}`);
        items.push(...page.items);
        offset = page.next_offset;
      } while (offset !== null && offset !== undefined && items.length < 5000);
      list.removeAttribute('aria-busy');
      clear(list, items.length ? datasetTable(items) : h('p', 'No datasets yet.'));
      if (!items.length) offerSamples(samples, refresh); else if (!samples.dataset.used) samples.hidden = true;
    } catch (err) {
      clear(list, h('p.error', {role: 'alert'}, message(err)));
    }
  }
  await refresh();
}

function datasetTable(items) {
  return h('div.table-wrap', {tabindex: 0, role: 'region', 'aria-label': 'Datasets'}, h('table#datasets',
    h('thead', h('tr', ['Name', 'Status', 'Rows', 'Columns', 'Size', 'Version', 'Updated'].map((t, i) =>
      h('th', {scope: 'col', class: i >= 2 && i <= 5 ? 'num' : null}, t)))),
    h('tbody', items.map(d => h('tr', {'data-name': d.name},
      h('td', h('a', {href: `/datasets/${d.dataset_id}`}, d.name)),
      h('td', h('span', {class: `badge ${d.status}`}, d.status)),
      h('td.num', count(d.row_count)),
      h('td.num', count(d.column_count)),
      h('td.num', bytes(d.size_bytes)),
      h('td.num', d.version ?? '–'),
      h('td', when(d.updated_at || d.created_at)))))));
}

function uploadForm(onDone) {
  const file = h('input', {type: 'file', name: 'file', required: true, accept: '.csv,.json,.ndjson,.jsonl,.parquet,text/csv,application/json'});
  const name = h('input', {type: 'text', name: 'name', pattern: '[a-z_][a-z0-9_]{0,62}', autocomplete: 'off', spellcheck: false});
  const onError = h('select', {name: 'on_error'},
    h('option', {value: 'fail'}, 'Fail the upload'), h('option', {value: 'skip'}, 'Skip them and count them'));
  const replace = h('input', {type: 'checkbox', name: 'replace'});
  const submit = h('button.primary', {type: 'submit'}, 'Upload');
  const transfers = h('ul.transfers#transfers');
  const form = h('form#upload-form', {
    onsubmit: async e => {
      e.preventDefault();
      if (!file.files.length) return;
      submit.disabled = true;
      try {
        await transfer(transfers, file.files[0], {
          name: name.value.trim(), on_error: onError.value, replace: replace.checked ? 'true' : undefined,
        }, onDone);
        form.reset();
      } catch {
        // the transfer's own line says why
      } finally {
        submit.disabled = false;
      }
    },
  },
  field('File (CSV, JSON or Parquet)', file),
  field('Dataset name (optional)', name, 'Lower case letters, digits and _; by default the file name made safe.'),
  field('Rows that do not parse', onError),
  h('div.field.check', replace, h('label', {htmlFor: replace.id = 'replace'}, 'Replace my dataset of that name (new version)')),
  submit);
  return h('section.card', {'aria-labelledby': 'upload-title'}, h('h2#upload-title', 'Upload a file'), form, transfers);
}

/**
 * Uploads one file and follows it to the end: a progress bar of the bytes sent, then the job's status and
 * progress from /ws/events (announced to screen readers), and the job's error when it fails. Answers the job.
 */
export async function transfer(into, file, fields, onDone) {
  const bar = h('progress', {max: 100, value: 0});
  const status = h('span.status', {role: 'status', 'aria-live': 'polite'}, 'Uploading…');
  const label = h('strong', {title: file.name}, file.name);
  bar.setAttribute('aria-label', `Upload of ${file.name}`);
  const item = h('li.transfer', {'data-file': file.name}, label, bar, status);
  into.prepend(item);
  let accepted;
  try {
    accepted = await upload(file, fields, (loaded, total) => {
      const pct = total ? Math.round(loaded * 100 / total) : 0;
      bar.value = pct;
      status.textContent = `Uploading… ${pct} %`;
    });
  } catch (err) {
    item.classList.add('failed');
    status.textContent = `Upload refused: ${message(err)}`;
    announce(`Upload of ${file.name} refused`);
    throw err;
  }
  item.dataset.job = accepted.job_id;
  bar.value = 0;
  bar.setAttribute('aria-label', `Processing of ${file.name}`);
  status.textContent = `Uploaded; ${accepted.name} is queued`;
  const job = await watchJob(accepted.job_id, j => {
    if (typeof j.progress === 'number') bar.value = j.progress;
    if (j.status === 'processing') status.textContent = `Processing ${accepted.name}… ${j.progress ?? 0} %`;
  });
  item.dataset.status = job.status;
  if (job.status === 'completed') {
    bar.value = 100;
    item.classList.add('done');
    clear(status, 'Completed: ', h('a', {href: `/datasets/${accepted.dataset_id}`}, accepted.name),
      `, ${count(job.row_count)} rows${job.rows_rejected ? `, ${count(job.rows_rejected)} rejected` : ''}`);
    announce(`${accepted.name} is ready`);
  } else {
    item.classList.add('failed');
    clear(status, h('span.error', `Failed: ${job.error || 'no reason given'}`));
    announce(`${accepted.name} failed: ${job.error || ''}`);
  }
  onDone?.(job);
  return {...job, name: accepted.name, dataset_id: accepted.dataset_id};
}

function offerSamples(section, refresh) {
  if (!section.hidden) return;
  section.hidden = false;
  const log = h('ul.transfers#sample-transfers');
  const result = h('p#samples-result', {role: 'status'});
  const button = h('button.primary#load-samples', {type: 'button'}, 'Load the samples and a starter dashboard');
  button.addEventListener('click', async () => {
    button.disabled = true;
    section.dataset.used = 'true'; // stays on screen with its outcome while the list fills
    try {
      const {dashboard, dashboardError} = await loadSamples((file, fields) => transfer(log, file, fields, null));
      clear(result, dashboard
        ? h('span', 'Done. ', h('a', {href: `/dashboards/${dashboard.dashboard_id}`}, 'Open the starter dashboard'))
        : `The samples are loaded${dashboardError ? `; the starter dashboard could not be made: ${dashboardError}` : ''}.`);
      await refresh();
    } catch (err) {
      result.textContent = `The samples could not be loaded: ${message(err)}`;
      button.disabled = false;
    }
  });
  clear(section,
    h('h2#samples-title', 'Nothing here yet?'),
    h('p', 'Try three small sample files: daily weather of four cities (2022–2024), a year of sales, and ' +
      'sensor events. One click uploads them and builds a starter dashboard.'),
    button, log, result);
}
