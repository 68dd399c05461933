// Rows of a run table, shared by the runs page and the digest page.
import { el, runLink, statusBadge, time } from './console.js';

/** A row for one run; {@code digestName} adds the digest column (the runs page). */
export function runRow(run, digestName) {
  const cells = [
    el('td', {}, time(run.createdAt)),
    digestName ? el('td', {}, el('a', { href: '/dashboard/digests/' + run.digestId }, digestName(run.digestId))) : null,
    el('td', {}, run.trigger),
    el('td', { class: 'status-cell' }, statusBadge(run.status),
      run.nextAttemptAt && run.status === 'queued' ? el('div', { class: 'note' }, 'retry at ', time(run.nextAttemptAt)) : null),
    el('td', { class: 'num' }, run.eventCount),
    el('td', { class: 'num' }, run.attempts),
    el('td', {}, time(run.finishedAt)),
  ];
  return el('tr', { 'data-run-id': run.id, 'data-testid': 'run-row' }, el('th', { scope: 'row' }, runLink(run.id)), ...cells);
}

/** Shows a status that arrived on the live stream in a row already drawn. */
export function updateRow(tr, event) {
  const cell = tr.querySelector('.status-cell');
  cell.replaceChildren(statusBadge(event.status));
}
