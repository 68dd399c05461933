// The live run stream (GET /api/v1/runs/live) and pages kept current by it.
import { $, reportError, session, signOut } from './console.js';

const indicatorText = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', off: 'Not live' };

function indicate(state) {
  const indicator = $('#live');
  if (!indicator) return;
  indicator.dataset.state = state;
  indicator.textContent = indicatorText[state];
}

/**
 * Reads {@code GET /api/v1/runs/live}. EventSource cannot send the Authorization header, so
 * this is fetch with a stream reader and a small text/event-stream parser (lines end in LF or
 * CRLF, as the server writes them). The stream is reopened with a growing, jittered delay and
 * {@code Last-Event-ID}, so the server replays what changed while it was down (or says
 * {@code resync} when that is too much); a stream silent past two keep-alives is taken for dead.
 */
export function liveRuns({ onRun, onOpen }) {
  let lastId = null;
  let failures = 0;
  let stopped = false;
  let controller = null;
  addEventListener('pagehide', () => {
    stopped = true;
    controller?.abort();
  });

  async function connect() {
    controller = new AbortController();
    indicate(failures === 0 && lastId === null ? 'connecting' : 'reconnecting');
    let watchdog = null;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), 40000);
    };
    try {
      const headers = { Authorization: 'Bearer ' + session.key(), Accept: 'text/event-stream' };
      if (lastId !== null) headers['Last-Event-ID'] = lastId;
      const response = await fetch('/api/v1/runs/live', { headers, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
      if (response.status === 401) {
        signOut('Your key was refused (unknown or revoked): sign in again.');
        return;
      }
      if (!response.ok || !response.body) throw new Error('live stream answered ' + response.status);
      failures = 0;
      indicate('live');
      alive();
      onOpen?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let event = { type: 'message', data: [], id: null };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        alive();
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          if (line === '') {
            if (event.id !== null) lastId = event.id;
            if (event.type === 'run' && event.data.length) {
              try {
                onRun(JSON.parse(event.data.join('\n')));
              } catch (error) {
                console.warn('run event not applied', error);
              }
            } else if (event.type === 'resync') {
              // Too much changed while the stream was down to replay: draw the page afresh.
              onOpen?.();
            }
            event = { type: 'message', data: [], id: null };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data.push(text);
          else if (field === 'event') event.type = text;
          else if (field === 'id') event.id = text;
        }
      }
    } catch {
      // Dropped, refused or silent too long: reconnect below.
    } finally {
      clearTimeout(watchdog);
    }
    if (stopped) return;
    failures += 1;
    indicate('reconnecting');
    const delay = Math.min(10000, 500 * 2 ** Math.min(failures - 1, 5));
    setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
  }

  connect();
}

/**
 * A page that shows data kept current by the live stream. {@code load} draws the page from the
 * API; it runs when the stream opens (first and every reconnect, so a page that lost its
 * stream catches up), or after two seconds if the stream is slow to open. Run events that
 * arrive while a load is under way are applied after it, so an older answer never overwrites a
 * newer event.
 */
export function livePage({ load, onRun }) {
  let loading = false;
  let again = false;
  let loadedOnce = false;
  let held = [];

  async function reload() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        await load();
        loadedOnce = true;
      } while (again);
    } catch (error) {
      reportError(error);
    } finally {
      loading = false;
      const events = held;
      held = [];
      events.forEach(apply);
    }
  }

  function apply(event) {
    try {
      onRun(event);
    } catch (error) {
      console.warn('run event not applied', error);
    }
  }

  liveRuns({
    onRun: (event) => (loading ? held.push(event) : apply(event)),
    onOpen: reload,
  });
  setTimeout(() => loadedOnce || loading || reload(), 2000);
  return { reload };
}
