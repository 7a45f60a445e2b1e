// The REST and WebSocket client: the session token (sessionStorage), the error envelope, uploads with progress.

const KEY = 'tributary.session';

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY));
    return s && Date.parse(s.expires_at) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(token, expiresAt) {
  let claims = {};
  try {
    claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    // an opaque token: the app still works, without the user's name in the header
  }
  sessionStorage.setItem(KEY, JSON.stringify({token, expires_at: expiresAt, email: claims.email, role: claims.role}));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** A failed API call: HTTP status and the error envelope's code, message and details. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || 'HTTP_' + status;
    this.details = error?.details || {};
    this.requestId = error?.request_id;
  }
}

function headers(extra, auth) {
  const out = {...extra};
  const s = session();
  if (auth && s) out.Authorization = `Bearer ${s.token}`;
  return out;
}

async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not the envelope (a proxy's page): the status says enough
  }
  const error = new ApiError(response.status, body?.error);
  if (response.status === 401 && session()) {
    clearSession();
    window.dispatchEvent(new CustomEvent('tributary:logout', {detail: 'Your session has ended. Please log in again.'}));
  }
  return error;
}

/** Calls the API with JSON; answers the parsed body (null for 204), throws ApiError otherwise. */
export async function api(method, path, body, {auth = true, signal} = {}) {
  const response = await fetch(path, {
    method,
    signal,
    headers: headers(body === undefined ? {Accept: 'application/json'}
      : {Accept: 'application/json', 'Content-Type': 'application/json'}, auth),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  return response.json();
}

/** Calls the API and answers the body as a Blob (downloads that need the token), with the file name it gives. */
export async function fetchBlob(method, path, body, accept) {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {Accept: accept} : {Accept: accept, 'Content-Type': 'application/json'}, true),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get('Content-Disposition') || '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1];
  return {blob: await response.blob(), filename: name};
}

/**
 * Uploads a file as multipart/form-data with XHR (fetch reports no upload progress). onProgress(loaded, total)
 * follows the bytes sent; the promise answers the 202 body or rejects with ApiError.
 */
export function upload(file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields || {})) if (v !== undefined && v !== '') form.append(k, v);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/data/upload');
    const s = session();
    if (s) xhr.setRequestHeader('Authorization', `Bearer ${s.token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = e => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // handled below
      }
      if (xhr.status === 202) {
        onProgress?.(file.size, file.size);
        resolve(body);
      } else {
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent('tributary:logout', {detail: 'Your session has ended.'}));
        reject(new ApiError(xhr.status, body?.error));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, {code: 'NETWORK', message: 'The upload could not reach the server.'}));
    xhr.send(form);
  });
}

/**
 * A WebSocket that reconnects (1 s, doubling to 30 s) until closed. onStatus('open'|'connecting'|'closed'),
 * onOpen(send) after each connect, onMessage(object) for each JSON message.
 */
export function socket(path, {onOpen, onMessage, onStatus} = {}) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
  let ws;
  let closed = false;
  let delay = 1000;
  let timer;
  const connect = () => {
    onStatus?.('connecting');
    ws = new WebSocket(url);
    ws.onopen = () => {
      delay = 1000;
      onStatus?.('open');
      onOpen?.(msg => ws.send(JSON.stringify(msg)));
    };
    ws.onmessage = e => {
      try {
        onMessage?.(JSON.parse(e.data));
      } catch (err) {
        console.warn('Unreadable socket message', err);
      }
    };
    ws.onclose = e => {
      if (closed) return;
      // 1008/4401-like refusals and a failed handshake look alike here: retry slowly, the status says offline
      onStatus?.('closed', e.code);
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30_000);
    };
  };
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      ws?.close(1000);
      onStatus?.('closed');
    },
    get open() {
      return ws?.readyState === WebSocket.OPEN;
    },
  };
}

/** A readable sentence for an error thrown by the calls above. */
export function message(err) {
  if (err instanceof ApiError) {
    const errors = err.details?.errors;
    const extra = Array.isArray(errors) && errors.length
      ? ': ' + errors.map(e => e.message || e.error || JSON.stringify(e)).join('; ') : '';
    return `${err.message}${extra && !err.message.includes(extra.slice(2)) ? extra : ''}`;
  }
  return err?.message || String(err);
}
