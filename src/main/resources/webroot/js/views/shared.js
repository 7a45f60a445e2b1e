// A dashboard opened through a share link: read-only, no login; live through the share token.
import {api, message} from '../api.js';
import {h} from '../dom.js';
import {board, live} from '../board.js';

export async function render(main, [encoded]) {
  const token = decodeURIComponent(encoded);
  let reply;
  try {
    reply = await api('GET', `/api/v1/shared/${encodeURIComponent(token)}`, undefined, {auth: false});
  } catch (err) {
    main.append(h('h1', 'Shared dashboard'), h('p.error', {role: 'alert'}, err.status === 404
      ? 'This link does not exist, was revoked or has expired.' : message(err)));
    return;
  }
  const d = reply.dashboard;
  const status = h('span.live-status#live-status', {role: 'status'}, 'Connecting…');
  const grid = h('div.grid#grid');
  main.append(
    h('div.title-row', h('h1', d.name), status),
    h('p.notice', 'A read-only view shared with you.'),
    d.description ? h('p.lead', d.description) : '',
    grid);
  const view = board(grid, d.visualizations || []);
  view.showData(reply.data);
  const sock = live(d.dashboard_id, token, view, status);
  return () => {
    sock.close();
    view.destroy();
  };
}
