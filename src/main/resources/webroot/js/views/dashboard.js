// One dashboard: its charts (live from /ws/analytics), share links and PNG/PDF export.
import {api, message, session} from '../api.js';
import {clear, h, uid, when} from '../dom.js';
import {board, live} from '../board.js';

export async function render(main, [id]) {
  let d;
  try {
    d = await api('GET', `/api/v1/dashboards/${id}`);
  } catch (err) {
    main.append(h('h1', 'Dashboard'), h('p.error', {role: 'alert'}, message(err)));
    return;
  }
  const status = h('span.live-status#live-status', {role: 'status'}, 'Connecting…');
  const grid = h('div.grid#grid');
  const exportStatus = h('span.status#export-status', {role: 'status'});
  const sharePanel = h('section.card#share-panel', {hidden: true, 'aria-labelledby': 'share-title'});
  const shareButton = h('button#share', {type: 'button', 'aria-expanded': 'false', 'aria-controls': 'share-panel'}, 'Share…');
  shareButton.addEventListener('click', () => {
    sharePanel.hidden = !sharePanel.hidden;
    shareButton.setAttribute('aria-expanded', String(!sharePanel.hidden));
    if (!sharePanel.hidden) shares(sharePanel, id);
  });
  const refreshButton = h('button#refresh', {type: 'button'}, 'Refresh');
  main.append(
    h('div.title-row', h('h1', d.name), status),
    d.description ? h('p.lead', d.description) : '',
    h('div.actions.toolbar',
      h('a.button#edit', {href: `/dashboards/${id}/edit`}, 'Edit'),
      refreshButton, shareButton,
      exportButton(id, 'png', 'Export PNG', exportStatus, grid),
      exportButton(id, 'pdf', 'Export PDF', exportStatus, grid),
      exportStatus),
    sharePanel,
    grid);
  const view = board(grid, d.visualizations || []);
  const load = async () => {
    try {
      view.showData(await api('GET', `/api/v1/dashboards/${id}/data?width=${Math.max(320, Math.round(grid.clientWidth))}`));
    } catch (err) {
      exportStatus.textContent = `The data did not load: ${message(err)}`;
    }
  };
  refreshButton.addEventListener('click', load);
  await load();
  const sock = live(id, session().token, view, status);
  const timer = d.refresh_seconds > 0 ? setInterval(load, d.refresh_seconds * 1000) : null;
  return () => {
    clearInterval(timer);
    sock.close();
    view.destroy();
  };
}

function exportButton(id, format, label, status, grid) {
  const button = h('button', {type: 'button', id: `export-${format}`}, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = `Rendering the ${format.toUpperCase()}…`;
    try {
      const r = await api('POST', `/api/v1/dashboards/${id}/export`,
        {format, width: Math.max(800, Math.round(grid.clientWidth)), height: Math.max(600, Math.round(grid.scrollHeight))});
      const a = h('a', {href: r.download_url, download: '', hidden: true});
      document.body.append(a);
      a.click();
      a.remove();
      status.textContent = `${format.toUpperCase()} ready (the link works until ${when(r.expires_at)}).`;
    } catch (err) {
      status.textContent = `Export failed: ${message(err)}`;
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

const EXPIRY = [['86400', 'in a day'], ['604800', 'in a week'], ['2592000', 'in 30 days'], ['', 'never']];

async function shares(panel, id) {
  const expires = h('select#share-expiry', EXPIRY.map(([v, t]) => h('option', {value: v, selected: v === '604800'}, t)));
  const url = h('input#share-url', {type: 'url', readonly: true, hidden: true});
  const copy = h('button', {type: 'button', hidden: true}, 'Copy');
  const result = h('p#share-result', {role: 'status'});
  const list = h('ul.shares#shares');
  const create = h('button.primary#create-share', {type: 'button'}, 'Create link');
  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const body = expires.value ? {expires_in: Number(expires.value)} : {};
      const s = await api('POST', `/api/v1/dashboards/${id}/shares`, body);
      url.value = `${location.origin}/shared/${encodeURIComponent(s.share_token)}`;
      url.hidden = copy.hidden = false;
      result.textContent = `Anyone with this link can view the dashboard, read-only${s.expires_at ? `, until ${when(s.expires_at)}` : ''}.`;
      url.focus();
      url.select();
      await refresh();
    } catch (err) {
      result.textContent = message(err);
    } finally {
      create.disabled = false;
    }
  });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url.value);
      result.textContent = 'Copied.';
    } catch {
      url.select();
      result.textContent = 'Select the link and copy it.';
    }
  });
  const refresh = async () => {
    try {
      const page = await api('GET', `/api/v1/dashboards/${id}/shares`);
      clear(list, page.items.length ? page.items.map(s => h('li', `Link made ${when(s.created_at)}, ` +
        (s.expires_at ? `expires ${when(s.expires_at)} ` : 'never expires '),
      h('button.link', {type: 'button', onclick: async () => {
        await api('DELETE', `/api/v1/dashboards/${id}/shares/${s.share_id}`).catch(err => { result.textContent = message(err); });
        await refresh();
      }}, 'Revoke'))) : h('li', 'No links yet.'));
    } catch (err) {
      clear(list, h('li.error', message(err)));
    }
  };
  clear(panel,
    h('h2#share-title', 'Share a read-only link'),
    h('div.row', h('div.field', h('label', {htmlFor: 'share-expiry'}, 'Link expires'), expires), create),
    h('div.row', h('label.visually-hidden', {htmlFor: 'share-url'}, 'Share link'), url, copy),
    result,
    h('h3', 'Links'), list);
  await refresh();
}
