// Navigation and announcements, below the views: the shell (main.js) says how a path is rendered.
let renderer = () => {};

/** Called once by the shell with its render function. */
export function onNavigate(render) {
  renderer = render;
}

/** Goes to an app path (pushes history unless replace). */
export function navigate(path, {replace = false} = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  renderer();
}

/** Says something to screen readers (and nothing on screen). */
export function announce(text) {
  const el = document.getElementById('announce');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}
