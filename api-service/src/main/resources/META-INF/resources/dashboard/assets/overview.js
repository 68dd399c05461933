// Overview: runs by state, the last hour, the queue and its workers, and the pause switches.
import { $, actionButton, api, canWrite, debounce, duration, el, shortId, start, time } from './console.js';
import { livePage } from './live.js';

const LIVE_WORKER_IDLE_MILLIS = 30000;

function tile(label, value, testId, detail) {
  return el('div', { class: 'tile' },
    el('dt', {}, label),
    el('dd', { 'data-testid': testId }, value),
    detail ? el('dd', { class: 'detail' }, detail) : null);
}

function drawRuns(runs) {
  $('#run-counts').replaceChildren(
    tile('Queued', runs.queued, 'count-queued',
      `${runs.delayed} waiting out a retry, ${runs.waitingForTurn} waiting for their digest's turn`),
    tile('Running', runs.running, 'count-running'),
    tile('Succeeded', runs.succeeded, 'count-succeeded'),
    tile('Failed', runs.failed, 'count-failed', 'retry them on the runs page'),
    tile('Dead', runs.dead, 'count-dead', 'attempts used up'),
    tile('Skipped', runs.skipped, 'count-skipped'),
    tile('Cancelled', runs.cancelled ?? 0, 'count-cancelled'));
}

function drawLastHour(hour) {
  const finished = hour.succeeded + hour.failed + hour.dead + hour.skipped;
  $('#last-hour').replaceChildren(
    tile('Finished', finished, 'hour-finished', `${(finished / 60).toFixed(1)} per minute`),
    tile('Succeeded', hour.succeeded, 'hour-succeeded'),
    tile('Failed or dead', hour.failed + hour.dead, 'hour-failed'),
    tile('Failure rate', (hour.failureRate * 100).toFixed(1) + ' %', 'failure-rate'));
  const perMinute = new Map((hour.perMinute || []).map((m) => [new Date(m.minute).setSeconds(0, 0), m]));
  const figure = $('#per-minute');
  figure.hidden = perMinute.size === 0;
  if (figure.hidden) return;
  const now = new Date().setSeconds(0, 0);
  const minutes = Array.from({ length: 60 }, (_, i) => now - (59 - i) * 60000);
  const most = Math.max(1, ...[...perMinute.values()].map((m) => m.succeeded + m.failed));
  $('#per-minute-bars').replaceChildren(...minutes.map((minute) => {
    const m = perMinute.get(minute) || { succeeded: 0, failed: 0 };
    const ok = el('span', { class: 'ok' });
    const bad = el('span', { class: 'bad' });
    // Heights through the CSSOM: the page's policy allows no inline style attributes.
    ok.style.height = (100 * m.succeeded) / most + '%';
    bad.style.height = (100 * m.failed) / most + '%';
    const label = `${new Date(minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${m.succeeded} succeeded, ${m.failed} failed`;
    return el('span', { class: 'bar', title: label, role: 'img', 'aria-label': label }, bad, ok);
  }));
}

function drawQueue(queue) {
  const stream = queue.stream;
  const consumers = queue.consumers;
  const tiles = [queue.oldestQueuedAt
    ? tile('Oldest queued run', duration(Date.now() - new Date(queue.oldestQueuedAt)), 'oldest-queued', 'waiting this long')
    : tile('Oldest queued run', '—', 'oldest-queued', 'nothing queued')];
  if (queue.nextAvailableAt) tiles.push(tile('Next retry due', time(queue.nextAvailableAt), 'next-retry'));
  if (stream) {
    tiles.push(
      tile('Lag', stream.lag ?? '—', 'queue-lag', 'jobs not yet read by any worker'),
      tile('In flight', stream.pending, 'queue-pending', 'read, not yet acknowledged'),
      tile('Stream length', stream.length, 'stream-length'),
      tile('Dead letters', stream.deadLetters, 'dead-letters'));
  }
  if (consumers) {
    const live = consumers.filter((c) => c.idleMillis < LIVE_WORKER_IDLE_MILLIS).length;
    tiles.push(tile('Live workers', live, 'live-workers', `${consumers.length} in the group`));
  }
  $('#queue').replaceChildren(...tiles);
  const note = $('#queue-note');
  note.hidden = Boolean(stream);
  note.textContent = 'The stream and its workers are shared by every application: the admin key sees them.';
}

function drawPause(me, paused) {
  const panel = $('#pause-panel');
  const actions = $('#pause-actions');
  panel.hidden = false;
  actions.replaceChildren();
  const write = canWrite(me);
  if (me.admin) {
    const apps = paused.applications || [];
    $('#pause-state').textContent = (paused.global ? 'Paused for every application: no scheduled run is created. ' : 'Running. ')
      + (apps.length ? `${apps.length} application(s) paused on their own.` : '');
    if (write) {
      actions.append(paused.global
        ? actionButton('Resume scheduled dispatch', 'global-resume', () => toggle('/queue/resume', {}, 'Scheduled dispatch resumed.'))
        : actionButton('Pause all scheduled dispatch', 'global-pause', () => toggle('/queue/pause', {}, 'Scheduled dispatch paused for every application.'), { danger: true }));
      for (const applicationId of apps) {
        actions.append(actionButton(`Resume application ${shortId(applicationId)}`, 'resume-application',
          () => toggle('/queue/resume', { applicationId }, `Application ${shortId(applicationId)} resumed.`)));
      }
    }
    return;
  }
  $('#pause-state').textContent = paused.global
    ? 'Scheduled dispatch is paused for every application by the operators.'
    : paused.application
      ? 'Scheduled runs of this application are paused: its digests do not fire (run now still works).'
      : 'Scheduled runs of this application are on.';
  if (write) {
    actions.append(paused.application
      ? actionButton('Resume this application', 'resume-application', () => toggle('/queue/resume', {}, 'Application resumed: its digests fire again.'))
      : actionButton('Pause this application', 'pause-application', () => toggle('/queue/pause', {}, 'Application paused: its digests will not fire until resumed.'), { danger: true }));
  }
}

let page;

async function toggle(path, body, message) {
  await api(path, { method: 'POST', body });
  await page.reload();
  return message;
}

start(async (me) => {
  page = livePage({
    async load() {
      const queue = await api('/queue');
      drawPause(me, queue.paused || {});
      drawRuns(queue.runs);
      drawLastHour(queue.lastHour);
      drawQueue(queue);
    },
    onRun: debounce(() => page.reload(), 250),
  });
  setInterval(() => page.reload(), 10000);
});
