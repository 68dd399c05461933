// One run: its window, events, bad events, delivery log and attempts; retry and cancel.
import { $, actionButton, api, ApiError, canWrite, el, shortId, start, statusBadge, time } from './console.js';
import { livePage } from './live.js';

const id = $('#run').dataset.runId;
let page;

function fact(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function drawSummary(run, digest, me) {
  $('#page-title').textContent = `Run ${shortId(run.id)}`;
  document.title = `Run ${shortId(run.id)} · Digest console`;
  $('#facts').replaceChildren(
    ...fact('Status', statusBadge(run.status),
      run.status === 'queued' && run.nextAttemptAt ? el('span', { class: 'note' }, ' retry at ', time(run.nextAttemptAt)) : null,
      run.waitingForTurn ? el('span', { class: 'note' }, " waiting for the digest's previous run") : null),
    ...fact('Digest', el('a', { href: '/dashboard/digests/' + run.digestId }, digest ? digest.name : run.digestId)),
    ...fact('Trigger', run.trigger, run.testRecipient ? ` to ${run.testRecipient}` : ''),
    ...fact('Scheduled for', time(run.scheduledFor)),
    ...fact('Window', time(run.windowStart), ' – ', time(run.windowEnd)),
    ...fact('Events', el('span', { 'data-testid': 'event-count' }, run.eventCount),
      run.badEventCount ? ` (${run.badEventCount} left out: see bad events)` : ''),
    ...fact('Attempts', run.attempts),
    ...fact('Enqueued', time(run.enqueuedAt)),
    ...fact('Started', time(run.startedAt)),
    ...fact('Finished', time(run.finishedAt)),
    ...fact('Worker', run.workerId || '—'),
    ...(run.error ? fact('Error', el('span', { class: 'problem', 'data-testid': 'run-error' }, run.error)) : []));
  const actions = $('#run-actions');
  actions.replaceChildren();
  if (!canWrite(me)) return;
  if (run.status === 'failed' || run.status === 'dead') {
    actions.append(actionButton('Retry', 'retry-run', async () => {
      await api(`/runs/${id}/retry`, { method: 'POST' });
      await page.reload();
      return `Run ${shortId(id)} queued again: only recipients not yet sent are retried.`;
    }));
  }
  if (run.status === 'queued') {
    actions.append(actionButton('Cancel', 'cancel-run', async () => {
      await api(`/runs/${id}/cancel`, { method: 'POST' });
      await page.reload();
      return `Run ${shortId(id)} cancelled.`;
    }, { danger: true }));
  }
}

function drawTable(section, items, row) {
  $(section).hidden = items.length === 0;
  $(section + ' tbody').replaceChildren(...items.map(row));
}

function errorCell(error, detail) {
  if (!error && !detail) return el('td', {}, '—');
  return el('td', { class: 'problem' }, error || '',
    detail ? el('details', {}, el('summary', {}, 'Details'), el('pre', {}, detail)) : null);
}

async function load(me) {
  let run;
  try {
    run = await api('/runs/' + encodeURIComponent(id));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      $('#not-found').hidden = false;
      $('#page-title').textContent = 'Run not found';
      return;
    }
    throw error;
  }
  const digest = await api('/digests/' + run.digestId).catch(() => null);
  drawSummary(run, digest, me);
  $('#summary').hidden = false;
  drawTable('#bad-events', run.badEvents || [], (bad) => el('tr', {},
    el('td', { class: 'mono' }, bad.eventId), el('td', {}, bad.type), el('td', { class: 'problem' }, bad.error)));
  drawTable('#deliveries', run.emailLogs || [], (log) => el('tr', { 'data-testid': 'email-log' },
    el('th', { scope: 'row' }, log.recipient),
    el('td', {}, el('span', { class: 'badge badge-' + log.status, 'data-testid': 'email-status' }, log.status)),
    el('td', { class: 'num' }, log.attempts), el('td', {}, time(log.sentAt)),
    el('td', { class: 'mono small' }, log.messageId || '—'), errorCell(log.error)));
  drawTable('#attempts', run.attemptHistory || [], (attempt) => el('tr', { 'data-testid': 'attempt' },
    el('th', { scope: 'row', class: 'num' }, attempt.attempt),
    el('td', {}, el('span', { class: 'badge badge-' + attempt.outcome, 'data-testid': 'attempt-outcome' }, attempt.outcome)),
    el('td', { class: 'mono small' }, attempt.workerId || '—'), el('td', {}, time(attempt.startedAt)),
    el('td', {}, time(attempt.finishedAt)), errorCell(attempt.error, attempt.errorDetail)));
}

start(async (me) => {
  page = livePage({
    load: () => load(me),
    onRun: (event) => event.runId === id && page.reload(),
  });
});
