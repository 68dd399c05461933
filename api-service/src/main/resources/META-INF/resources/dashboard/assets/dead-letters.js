// Dead letters: runs that used up their attempts; retry or discard each.
import { $, actionButton, api, ApiError, canWrite, el, query, runLink, shortId, start, statusBadge, time } from './console.js';
import { livePage } from './live.js';

const tbody = $('#dead-letters tbody');
let cursor = null;
let page;

function row(entry, me) {
  const actions = el('td', { class: 'actions-cell' });
  if (canWrite(me)) {
    actions.append(
      actionButton('Retry', 'retry-dead-letter', async () => {
        const answer = await api(`/queue/dead-letters/${encodeURIComponent(entry.id)}/retry`, { method: 'POST' });
        await page.reload();
        return `Run ${shortId(answer.run?.id || entry.runId)} queued again; the dead letter is gone.`;
      }),
      actionButton('Discard', 'discard-dead-letter', async () => {
        await api(`/queue/dead-letters/${encodeURIComponent(entry.id)}`, { method: 'DELETE' });
        await page.reload();
        return `Dead letter of run ${shortId(entry.runId)} discarded; the run stays dead.`;
      }, { danger: true }));
  }
  return el('tr', { 'data-dead-letter-id': entry.id, 'data-run-id': entry.runId, 'data-testid': 'dead-letter' },
    el('td', {}, time(entry.deadAt)),
    el('th', { scope: 'row' }, runLink(entry.runId)),
    el('td', { class: 'status-cell' }, entry.runStatus ? statusBadge(entry.runStatus) : '—'),
    el('td', { class: 'problem' }, entry.reason || '—'),
    el('td', { class: 'mono small' }, entry.applicationId ? shortId(entry.applicationId) : '—'),
    actions);
}

async function load(me, more) {
  let entries;
  try {
    entries = await api('/queue/dead-letters' + query({ limit: 50, cursor: more ? cursor : null }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      $('#admin-only').hidden = false;
      $('#dead-letters').closest('.table-wrap').hidden = true;
      return;
    }
    throw error;
  }
  if (!more) tbody.replaceChildren();
  tbody.append(...entries.items.map((entry) => row(entry, me)));
  cursor = entries.nextCursor;
  $('#more').hidden = !cursor;
  $('#empty').hidden = tbody.children.length > 0;
}

start(async (me) => {
  if (!canWrite(me)) $('#dl-actions-heading').textContent = '';
  $('#more').addEventListener('click', () => load(me, true));
  page = livePage({
    load: () => load(me, false),
    onRun(event) {
      const row = tbody.querySelector(`tr[data-run-id="${CSS.escape(event.runId)}"] .status-cell`);
      if (row) row.replaceChildren(statusBadge(event.status));
      if (event.status === 'dead') page.reload();
    },
  });
});
