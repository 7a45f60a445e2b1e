// The shell: routes paths to views (History API), keeps the header in step with the session.
import {clearSession, session} from './api.js';
import {startJobEvents, stopJobEvents} from './jobs.js';
import {clear, h} from './dom.js';
import {navigate, onNavigate} from './nav.js';

const ID = '([0-9a-f-]{36})';
const ROUTES = [
  {path: /^\/login$/, view: () => import('./views/login.js'), open: true},
  {path: /^\/shared\/([^/]+)$/, view: () => import('./views/shared.js'), open: true},
  {path: /^\/(?:datasets)?$/, view: () => import('./views/datasets.js')},
  {path: new RegExp(`^/datasets/${ID}$`), view: () => import('./views/dataset.js')},
  {path: /^\/query$/, view: () => import('./views/query.js')},
  {path: /^\/dashboards$/, view: () => import('./views/dashboards.js')},
  {path: /^\/dashboards\/new$/, view: () => import('./views/editor.js')},
  {path: new RegExp(`^/dashboards/${ID}$`), view: () => import('./views/dashboard.js')},
  {path: new RegExp(`^/dashboards/${ID}/edit$`), view: () => import('./views/editor.js')},
];

const main = document.getElementById('main');
let cleanup = null;
let rendering = 0;

async function render() {
  const run = ++rendering;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const route = ROUTES.find(r => r.path.test(path));
  const s = session();
  shell(s, route);
  if (!route) {
    return show(run, () => ({render: el => clear(el, h('h1', {tabindex: -1}, 'Not found'),
      h('p', 'There is no page here. ', h('a', {href: '/datasets'}, 'Go to your datasets.')))}));
  }
  if (!route.open && !s) {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path + location.search)}`;
    history.replaceState(null, '', `/login${next}`);
    return render();
  }
  if (s) startJobEvents(); else stopJobEvents();
  const params = path.match(route.path).slice(1);
  return show(run, route.view, params);
}

async function show(run, load, params = []) {
  if (cleanup) {
    try { cleanup(); } catch (e) { console.warn(e); }
    cleanup = null;
  }
  let module;
  try {
    module = await load();
  } catch (e) {
    clear(main, h('h1', 'The page did not load'), h('p.error', String(e)));
    return;
  }
  if (run !== rendering) return;
  main.replaceChildren();
  main.removeAttribute('aria-busy');
  try {
    cleanup = (await module.render(main, params, new URLSearchParams(location.search))) || null;
  } catch (e) {
    console.error(e);
    main.append(h('p.error', {role: 'alert'}, `Something went wrong: ${e.message || e}`));
  }
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    document.title = `${heading.textContent} · Tributary`;
    if (document.activeElement === document.body || document.activeElement === main || !main.contains(document.activeElement)) {
      heading.focus({preventScroll: true});
    }
  }
}

function shell(s, route) {
  const bare = route?.open;
  document.getElementById('nav').hidden = !s || bare;
  document.getElementById('who').hidden = !s || bare;
  document.getElementById('who-email').textContent = s ? `${s.email || ''}${s.role ? ` (${s.role})` : ''}` : '';
  for (const a of document.querySelectorAll('#nav a')) {
    const here = location.pathname === a.getAttribute('href') || location.pathname.startsWith(a.getAttribute('href') + '/');
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function logout(reason) {
  clearSession();
  stopJobEvents();
  navigate(`/login${reason ? `?reason=${encodeURIComponent(reason)}` : ''}`, {replace: true});
}

document.addEventListener('click', e => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin || a.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', render);
window.addEventListener('tributary:logout', e => logout(e.detail));
document.getElementById('logout').addEventListener('click', () => logout());
onNavigate(render);
render();
