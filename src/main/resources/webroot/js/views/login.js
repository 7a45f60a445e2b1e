import {api, message, saveSession, session} from '../api.js';
import {field, h} from '../dom.js';
import {navigate} from '../nav.js';

export function render(main, params, query) {
  if (session()) {
    navigate(safeNext(query.get('next')), {replace: true});
    return;
  }
  const email = h('input', {type: 'email', name: 'email', autocomplete: 'username', required: true});
  const password = h('input', {type: 'password', name: 'password', autocomplete: 'current-password', required: true});
  const error = h('p.error#login-error', {role: 'alert'});
  const submit = h('button.primary', {type: 'submit'}, 'Log in');
  const form = h('form.card.narrow', {
    onsubmit: async e => {
      e.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        const r = await api('POST', '/api/v1/auth/login', {email: email.value.trim(), password: password.value}, {auth: false});
        saveSession(r.token, r.expires_at);
        navigate(safeNext(query.get('next')), {replace: true});
      } catch (err) {
        error.textContent = err.status === 401 ? 'Wrong email or password.' : message(err);
        password.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', 'Log in'),
  query.get('reason') ? h('p.notice', query.get('reason')) : null,
  field('Email', email),
  field('Password', password),
  error,
  submit);
  main.append(form);
  email.focus();
}

/** Only an app path of this site (never another origin) after logging in. */
function safeNext(next) {
  return next && /^\/(?!\/)/.test(next) && !next.startsWith('/login') ? next : '/datasets';
}
