// The caller's dashboards.
import {api, message} from '../api.js';
import {clear, count, h, when} from '../dom.js';

export async function render(main) {
  const list = h('div#dashboard-list', {'aria-busy': 'true'}, 'Loading…');
  main.append(h('h1', 'Dashboards'),
    h('div.actions', h('a.button.primary#new-dashboard', {href: '/dashboards/new'}, 'New dashboard')),
    list);
  try {
    const items = [];
    let offset = 0;
    do {
      const page = await api('GET', `/api/v1/dashboards?limit=100&offset=${offset}`);
      items.push(...page.items);
      offset = page.next_offset;
    } while (offset !== null && offset !== undefined && items.length < 1000);
    clear(list, items.length
      ? h('div.table-wrap', {tabindex: 0, role: 'region', 'aria-label': 'Dashboards'}, h('table#dashboards',
        h('thead', h('tr', ['Name', 'Description', 'Visualizations', 'Updated'].map(t => h('th', {scope: 'col'}, t)))),
        h('tbody', items.map(d => h('tr',
          h('td', h('a', {href: `/dashboards/${d.dashboard_id}`}, d.name)),
          h('td', d.description || ''),
          h('td.num', count(d.visualization_count)),
          h('td', when(d.updated_at)))))))
      : h('p', 'No dashboards yet. Make one from your queries, or load the samples from the ',
        h('a', {href: '/datasets'}, 'datasets page'), ' of an empty account.'));
  } catch (err) {
    clear(list, h('p.error', {role: 'alert'}, err.status === 404
      ? 'Dashboards are not available on this server.' : message(err)));
  }
  list.removeAttribute('aria-busy');
}
