// Workers: the stream's consumers, what each holds in flight and how long it has been idle.
import { $, api, duration, el, start } from './console.js';
import { livePage } from './live.js';

const STALE_MILLIS = 30000;

function tile(label, value, testId) {
  return el('div', { class: 'tile' }, el('dt', {}, label), el('dd', { 'data-testid': testId }, value ?? '—'));
}

async function load() {
  const queue = await api('/queue');
  if (!queue.consumers) {
    $('#admin-only').hidden = false;
    $('#workers').closest('.table-wrap').hidden = true;
    return;
  }
  const stream = queue.stream || {};
  const name = tile('Stream', stream.name, 'stream-name');
  name.classList.add('tile-text');
  $('#stream').replaceChildren(name, tile('Length', stream.length, 'stream-length'),
    tile('In flight', stream.pending, 'stream-pending'), tile('Lag', stream.lag, 'stream-lag'));
  const consumers = [...queue.consumers].sort((a, b) => a.name.localeCompare(b.name));
  $('#workers tbody').replaceChildren(...consumers.map((consumer) => {
    const stale = consumer.idleMillis >= STALE_MILLIS;
    const state = stale ? (consumer.pending > 0 ? 'silent with jobs (stuck or gone)' : 'idle (gone or waiting)') : 'live';
    return el('tr', { 'data-consumer': consumer.name, 'data-testid': 'worker' },
      el('th', { scope: 'row', class: 'mono' }, consumer.name),
      el('td', { class: 'num', 'data-testid': 'worker-pending' }, consumer.pending),
      el('td', {}, duration(consumer.idleMillis)),
      el('td', {}, el('span', { class: 'state ' + (stale ? 'state-stale' : 'state-live') }, state)));
  }));
  $('#empty').hidden = consumers.length > 0;
}

start(async () => {
  const page = livePage({ load, onRun: () => {} });
  setInterval(() => page.reload(), 5000);
});
