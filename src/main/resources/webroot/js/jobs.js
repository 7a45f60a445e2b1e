// Job status, live from /ws/events while logged in; a job is also read once when watched (it may have ended
// before the socket said so) and polled while the socket is down.
import {api, session, socket} from './api.js';

const watchers = new Map(); // job_id -> Set of callbacks
let events = null;

export function startJobEvents() {
  const s = session();
  if (events || !s) return;
  events = socket(`/ws/events?access_token=${encodeURIComponent(s.token)}`, {
    onMessage: msg => {
      if (!msg?.data?.job_id || !String(msg.type).startsWith('job.')) return;
      notify({...msg.data, status: msg.data.status || msg.type.slice('job.'.length)});
    },
  });
}

export function stopJobEvents() {
  events?.close();
  events = null;
}

function notify(job) {
  for (const callback of watchers.get(job.job_id) || []) callback(job);
}

const FINAL = new Set(['completed', 'failed']);

/**
 * Follows a job: onUpdate(job) for each change; answers the final job (completed or failed, with its error,
 * row_count and rows_rejected as GET /api/v1/data/job gives them).
 */
export function watchJob(jobId, onUpdate) {
  return new Promise(resolve => {
    let done = false;
    let last = '';
    let poll;
    const finish = job => {
      done = true;
      clearInterval(poll);
      const set = watchers.get(jobId);
      set?.delete(callback);
      if (set && !set.size) watchers.delete(jobId);
      onUpdate?.(job);
      resolve(job);
    };
    let finishing = false;
    const callback = job => {
      if (done || finishing) return;
      if (FINAL.has(job.status)) {
        finishing = true;
        // the event may not carry every field: read the job once for its error and counts
        api('GET', `/api/v1/data/job/${jobId}`).then(finish, () => finish(job));
      } else if (`${job.status}:${job.progress}` !== last) {
        last = `${job.status}:${job.progress}`;
        onUpdate?.(job);
      }
    };
    if (!watchers.has(jobId)) watchers.set(jobId, new Set());
    watchers.get(jobId).add(callback);
    const read = () => api('GET', `/api/v1/data/job/${jobId}`).then(callback, () => {});
    read();
    poll = setInterval(() => {
      if (!events?.open) read();
    }, 2000);
  });
}
