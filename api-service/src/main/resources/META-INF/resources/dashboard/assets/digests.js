// Digests: schedule, next fire time in the digest's zone, last run, state, run now and test send.
import { $, actionButton, api, canWrite, el, query, reportError, runLink, shortId, start, statusBadge, time } from './console.js';
import { livePage } from './live.js';
import { runNow, testSendForm } from './digest-actions.js';

const rows = new Map();
let cursor = null;
// Scheduled dispatch pauses: everywhere, of the signed-in application, or (for the admin) of these.
let pausedEverywhere = false;
let pausedMine = false;
let pausedApplications = new Set();

function lastRunCell(run) {
  if (!run) return el('span', { class: 'none' }, 'never run');
  return el('span', { class: 'stack' }, statusBadge(run.status), ' ', runLink(run.id ?? run.runId), ' ',
    time(run.finishedAt || run.createdAt || run.at));
}

function stateCell(digest) {
  const paused = pausedEverywhere || pausedMine || pausedApplications.has(digest.applicationId);
  const text = !digest.enabled ? 'disabled' : paused ? 'enabled, paused' : 'enabled';
  const cell = el('span', { class: 'state state-' + text.replace(', ', '-'), 'data-testid': 'digest-state' }, text);
  if (digest.scheduleError) cell.append(el('span', { class: 'problem small' }, ' ' + digest.scheduleError));
  return cell;
}

function row(digest, me) {
  const lastRun = el('td', { 'data-testid': 'last-run' }, el('span', { class: 'none' }, '…'));
  const actions = el('td', { class: 'actions-cell' });
  if (canWrite(me)) {
    actions.append(actionButton('Run now', 'run-now', () => runNow(digest)), testSendForm(digest));
  }
  const tr = el('tr', { 'data-digest-id': digest.id },
    el('th', { scope: 'row' }, el('a', { href: '/dashboard/digests/' + digest.id }, digest.name),
      me.admin && digest.applicationId ? el('div', { class: 'note mono' }, 'app ' + shortId(digest.applicationId)) : null),
    el('td', {}, el('code', {}, digest.cron), el('div', { class: 'note' }, digest.timeZone)),
    el('td', { 'data-testid': 'next-run' }, digest.enabled && digest.nextRunAt ? time(digest.nextRunAt, digest.timeZone) : el('span', { class: 'none' }, '—')),
    lastRun,
    el('td', {}, stateCell(digest)),
    actions);
  rows.set(digest.id, { tr, lastRun });
  api('/runs' + query({ digestId: digest.id, limit: 1 }))
    // A live event may have drawn a newer last run while this was on its way.
    .then((page) => lastRun.dataset.live || lastRun.replaceChildren(lastRunCell(page.items[0])))
    .catch(() => lastRun.dataset.live || lastRun.replaceChildren(el('span', { class: 'none' }, 'unknown')));
  return tr;
}

async function loadPaused(me) {
  try {
    const paused = (await api('/queue')).paused || {};
    pausedEverywhere = Boolean(paused.global);
    pausedMine = Boolean(paused.application);
    pausedApplications = new Set(paused.applications || []);
    const banner = $('#paused-banner');
    banner.hidden = !pausedEverywhere && !pausedMine && pausedApplications.size === 0;
    banner.textContent = pausedEverywhere
      ? 'Scheduled dispatch is paused for every application: no digest fires until it is resumed (on the overview).'
      : me.admin
        ? `${pausedApplications.size} application(s) are paused: their digests do not fire.`
        : 'Scheduled runs of this application are paused: its digests do not fire until resumed on the overview. Run now still works.';
  } catch {
    // The pause state is a hint here; the overview shows it for sure.
  }
}

start(async (me) => {
  if (!canWrite(me)) $('#digest-actions-heading').textContent = '';
  const tbody = $('#digests tbody');
  const more = $('#more');

  async function loadPage(reset) {
    const page = await api('/digests' + query({ limit: 50, cursor: reset ? null : cursor }));
    if (reset) {
      rows.clear();
      tbody.replaceChildren();
    }
    tbody.append(...page.items.map((digest) => row(digest, me)));
    cursor = page.nextCursor;
    more.hidden = !cursor;
    $('#empty').hidden = rows.size > 0;
  }

  more.addEventListener('click', () => loadPage(false).catch(reportError));
  livePage({
    async load() {
      await loadPaused(me);
      await loadPage(true);
    },
    onRun(event) {
      const entry = rows.get(event.digestId);
      if (!entry) return;
      entry.lastRun.dataset.live = 'true';
      entry.lastRun.replaceChildren(lastRunCell({ id: event.runId, status: event.status, at: event.at }));
    },
  });
});

