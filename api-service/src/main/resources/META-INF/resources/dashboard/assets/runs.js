// Runs: filtered by state, digest, trigger and creation time, newest first, a page at a time;
// new runs and state changes arrive live.
import { $, actionButton, api, canWrite, el, fromLocalInput, query, shortId, start, toLocalInput } from './console.js';
import { livePage } from './live.js';
import { runRow, updateRow } from './runs-table.js';

const FILTERS = ['status', 'digestId', 'trigger', 'from', 'to'];
const form = $('#filters');
const tbody = $('#runs tbody');
const digestNames = new Map();
let cursors = [null];
let page;

const filters = () => Object.fromEntries(FILTERS.map((name) => [name, new URLSearchParams(location.search).get(name) || '']));
const digestName = (digestId) => digestNames.get(digestId) || shortId(digestId);

function showFilters() {
  const current = filters();
  form.status.value = current.status;
  form.digestId.value = current.digestId;
  form.trigger.value = current.trigger;
  form.from.value = toLocalInput(current.from);
  form.to.value = toLocalInput(current.to);
}

async function loadDigests() {
  const digests = await api('/digests?limit=200');
  const select = form.digestId;
  for (const digest of digests.items) {
    digestNames.set(digest.id, digest.name);
    select.append(el('option', { value: digest.id }, digest.name));
  }
}

async function load() {
  const cursor = cursors[cursors.length - 1];
  const runs = await api('/runs' + query({ ...filters(), limit: 25, cursor }));
  tbody.replaceChildren(...runs.items.map((run) => runRow(run, digestName)));
  $('#empty').hidden = runs.items.length > 0;
  $('#next-page').hidden = !runs.nextCursor;
  $('#next-page').dataset.cursor = runs.nextCursor || '';
  $('#first-page').hidden = cursors.length === 1;
}

// Runs being fetched from the API, each with whether an event about it arrived meanwhile.
const arriving = new Map();

/**
 * The run as the API has it now. An event about it during the fetch means the answer may be
 * older than that event, so it is fetched again.
 */
async function fetchLatest(runId) {
  let run;
  do {
    arriving.set(runId, false);
    run = await api('/runs/' + runId);
  } while (arriving.get(runId));
  return run;
}

/** A run that is new to this page: shown on top when the newest page shows runs like it. */
async function insert(event) {
  const current = filters();
  if (cursors.length > 1 || current.to || (current.digestId && current.digestId !== event.digestId)) return;
  const run = await fetchLatest(event.runId);
  if ((current.trigger && run.trigger !== current.trigger) || (current.status && run.status !== current.status)
      || (current.from && new Date(run.createdAt) < new Date(current.from)) || rowOf(run.id)) return;
  tbody.prepend(runRow(run, digestName));
  $('#empty').hidden = true;
}

/** A run shown here changed: its new status at once, then the rest of the row (finish time, counts). */
async function refresh(row, event) {
  updateRow(row, event);
  const run = await fetchLatest(event.runId);
  rowOf(run.id)?.replaceWith(runRow(run, digestName));
}

const rowOf = (runId) => tbody.querySelector(`tr[data-run-id="${CSS.escape(runId)}"]`);

function onRun(event) {
  if (arriving.has(event.runId)) {
    arriving.set(event.runId, true);
    return;
  }
  const row = rowOf(event.runId);
  (row ? refresh(row, event) : insert(event)).catch(() => {}).finally(() => arriving.delete(event.runId));
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const values = {
    status: form.status.value, digestId: form.digestId.value, trigger: form.trigger.value,
    from: fromLocalInput(form.from.value), to: fromLocalInput(form.to.value),
  };
  history.pushState(null, '', '/dashboard/runs' + query(values));
  cursors = [null];
  page.reload();
});
addEventListener('popstate', () => {
  showFilters();
  cursors = [null];
  page.reload();
});
$('#next-page').addEventListener('click', () => {
  cursors.push($('#next-page').dataset.cursor);
  page.reload();
});
$('#first-page').addEventListener('click', () => {
  cursors = [null];
  page.reload();
});

start(async (me) => {
  await loadDigests().catch(() => {});
  showFilters();
  if (canWrite(me)) {
    $('#bulk').append(actionButton('Retry the failed and dead runs these filters match', 'bulk-retry', async () => {
      const current = filters();
      const body = { digestId: current.digestId || undefined, from: current.from || undefined, to: current.to || undefined,
        status: ['failed', 'dead'].includes(current.status) ? current.status : undefined };
      const result = await api('/runs/retry', { method: 'POST', body });
      page.reload();
      return result.count === 1 ? '1 run queued again.' : `${result.count} runs queued again.`;
    }));
  }
  page = livePage({ load, onRun });
});
