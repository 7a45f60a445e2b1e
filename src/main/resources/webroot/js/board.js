// A dashboard's grid of visualizations (12 columns, rows of 80 px), its data and its live updates.
import {socket} from './api.js';
import {clear, h} from './dom.js';
import {drawViz} from './charts.js';

/** Places a card on the grid from a position {x, y, width, height}. */
export function place(card, p = {}) {
  const x = clamp(p.x ?? 0, 0, 11);
  const w = clamp(p.width ?? 6, 1, 12 - x);
  card.style.gridColumn = `${x + 1} / span ${w}`;
  card.style.gridRow = `${clamp(p.y ?? 0, 0, 999) + 1} / span ${clamp(p.height ?? 4, 1, 24)}`;
}

export function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(hi, Math.round(Number(v) || 0)));
}

/**
 * Draws the visualizations into grid; answers {showData(reply), message(msg), destroy()}: showData takes the
 * /data (or /shared) reply, message a /ws/analytics message.
 */
export function board(grid, visualizations) {
  const handles = new Map();
  const vizById = new Map();
  clear(grid);
  for (const viz of visualizations) {
    const body = h('div.viz-body');
    const note = h('p.viz-note');
    const card = h('article.viz', {'data-viz-id': viz.viz_id, 'data-chart-type': viz.chart_type, 'aria-label': viz.title},
      h('header', h('h2', viz.title), viz.stream ? h('span.badge.live', 'live') : null), body, note);
    place(card, viz.position);
    grid.append(card);
    handles.set(viz.viz_id, {handle: drawViz(body, viz, null), note});
    vizById.set(viz.viz_id, viz);
  }
  return {
    showData(reply) {
      for (const d of reply?.visualizations || []) {
        const entry = handles.get(d.viz_id);
        if (!entry) continue;
        entry.handle.setData(d);
        const notes = [];
        if (d.downsampled) notes.push(`downsampled (${d.downsampled.method}) from ${d.downsampled.from} to ${d.downsampled.to} points`);
        if (d.truncated) notes.push('more rows exist than shown');
        entry.note.textContent = notes.join(' · ');
      }
    },
    message(msg) {
      const records = msg.type === 'update' ? [msg.data] : msg.type === 'updates' ? msg.data : null;
      if (records) {
        const byViz = new Map();
        for (const r of records || []) {
          if (!r || !handles.has(r.viz_id)) continue;
          const {viz_id: id, ...record} = r;
          if (!byViz.has(id)) byViz.set(id, []);
          byViz.get(id).push(record);
        }
        for (const [id, list] of byViz) handles.get(id).handle.append(list, vizById.get(id).stream?.window || 200);
      } else if (msg.type === 'refresh' && handles.has(msg.data?.viz_id)) {
        handles.get(msg.data.viz_id).handle.setData(msg.data);
      }
    },
    destroy() {
      for (const {handle} of handles.values()) handle.destroy();
    },
  };
}

/**
 * The dashboard's live socket; status shows Connecting / Live / Offline and lagged notices. "Live" only once the
 * server confirmed the subscription: records produced from then on reach the charts. Answers the socket.
 */
export function live(dashboardId, accessToken, target, status) {
  let lagged = 0;
  return socket(`/ws/analytics/${dashboardId}?access_token=${encodeURIComponent(accessToken)}`, {
    onOpen: send => send({action: 'subscribe', filters: {}, batch: true}),
    onStatus: s => {
      status.dataset.state = s === 'open' ? 'subscribing' : s;
      status.textContent = s === 'closed' ? 'Offline, retrying' : 'Connecting…';
    },
    onMessage: msg => {
      if (msg.type === 'subscribed') {
        status.dataset.state = 'open';
        status.textContent = 'Live';
      } else if (msg.type === 'lagged') {
        lagged += msg.data?.dropped || 0;
        status.textContent = `Live (skipped ${lagged} updates to keep up)`;
      } else {
        target.message(msg);
      }
    },
  });
}
