// One digest: its schedule, recent runs, and the next email shown in a sandboxed frame.
import { $, actionButton, api, ApiError, canWrite, debounce, el, query, start, time, inZone } from './console.js';
import { livePage } from './live.js';
import { runNow, testSendForm } from './digest-actions.js';
import { runRow } from './runs-table.js';

const id = $('#digest').dataset.digestId;

function fact(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function drawSummary(digest, me) {
  document.title = `${digest.name} · Digest console`;
  $('#page-title').textContent = digest.name;
  $('#facts').replaceChildren(
    ...(digest.description ? fact('Description', digest.description) : []),
    ...fact('Schedule', el('code', {}, digest.cron), ' in ', digest.timeZone),
    ...fact('State', el('span', { 'data-testid': 'digest-state' }, digest.enabled ? 'enabled' : 'disabled'),
      digest.scheduleError ? el('span', { class: 'problem small' }, ' ' + digest.scheduleError) : null),
    ...fact('Next run', digest.enabled && digest.nextRunAt ? time(digest.nextRunAt, digest.timeZone) : '—'),
    ...fact('Last run', time(digest.lastRunAt, digest.timeZone)),
    ...fact('Recipients', digest.recipients.join(', ')),
    ...fact('Event types', digest.eventTypes.length ? digest.eventTypes.join(', ') : 'all'),
    ...fact('Empty window', digest.emptyWindow === 'skip' ? 'skipped (no email)' : 'sent anyway'),
    ...fact('Missed runs', digest.missedRuns ?? '—'));
  const actions = $('#digest-actions');
  actions.replaceChildren();
  if (!canWrite(me)) return;
  actions.append(actionButton('Run now', 'run-now', () => runNow(digest)));
  if (!me.admin) {
    actions.append(actionButton(digest.enabled ? 'Disable' : 'Enable', digest.enabled ? 'disable-digest' : 'enable-digest',
      () => setEnabled(digest, !digest.enabled)));
  }
  actions.append(testSendForm(digest));
}

async function setEnabled(digest, enabled) {
  const { name, description, eventTypes, cron, timeZone, recipients, emailTemplateId, emptyWindow, missedRuns } = digest;
  await api('/digests/' + id, {
    method: 'PUT',
    headers: { 'If-Match': `"${digest.version}"` },
    body: { name, description, eventTypes, cron, timeZone, recipients, emailTemplateId, enabled, emptyWindow, missedRuns },
  });
  await page.reload();
  return `"${digest.name}" ${enabled ? 'enabled: it fires on its schedule' : 'disabled: it runs only when asked'}.`;
}

async function drawSchedule() {
  const schedule = await api(`/digests/${id}/schedule?count=5`);
  $('#schedule tbody').replaceChildren(...schedule.instants.map((instant) => el('tr', {},
    el('td', {}, el('time', { datetime: instant.at }, inZone(new Date(instant.at), schedule.timeZone))),
    el('td', { class: 'mono' }, instant.at))));
  const note = $('#schedule-note');
  note.hidden = schedule.instants.length > 0;
  note.textContent = schedule.enabled ? (schedule.scheduleError || 'No further fire times.') : 'Disabled: it fires only when someone runs it.';
  $('#schedule').hidden = false;
}

async function drawRecentRuns() {
  const runs = await api('/runs' + query({ digestId: id, limit: 10 }));
  $('#recent tbody').replaceChildren(...runs.items.map((run) => runRow(run)));
  $('#all-runs').href = '/dashboard/runs' + query({ digestId: id });
  $('#recent').hidden = false;
}

async function drawPreview() {
  const preview = await api(`/digests/${id}/preview`);
  $('#preview-subject').textContent = preview.subject;
  $('#preview-facts').replaceChildren(`${preview.eventCount} event(s) in the window from `, time(preview.windowStart),
    ' to ', time(preview.windowEnd), preview.wouldSkip ? ' — the window is empty, so a run now would send nothing.' : '.');
  // srcdoc in a frame sandboxed without allow-scripts or allow-same-origin: the email's HTML
  // cannot run script nor reach this page, whatever it holds.
  $('#preview-frame').srcdoc = preview.html;
  $('#preview').hidden = false;
}

let page;
const refreshRuns = debounce(() => drawRecentRuns().catch(() => page.reload()), 150);

start(async (me) => {
  page = livePage({
    async load() {
      let digest;
      try {
        digest = await api('/digests/' + id);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
          $('#not-found').hidden = false;
          $('#page-title').textContent = 'Digest not found';
          return;
        }
        throw error;
      }
      drawSummary(digest, me);
      $('#summary').hidden = false;
      await Promise.all([drawSchedule(), drawRecentRuns(), drawPreview().catch((error) => {
        $('#preview').hidden = false;
        $('#preview-facts').textContent = 'The preview could not be rendered: ' + error.message;
      })]);
    },
    onRun: (event) => event.digestId === id && refreshRuns(),
  });
});
