// What every console page shares: the session (the API key in sessionStorage, never in an
// address), calls to the JSON API, and small DOM helpers that only ever set text, so nothing
// the API returns is parsed as HTML. The live run stream is in live.js.

const KEY = 'digest.console.key';
const ME = 'digest.console.me';
const NOTICE = 'digest.console.notice';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  me: () => JSON.parse(sessionStorage.getItem(ME) || 'null'),
  save(key, me) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ME, JSON.stringify(me));
  },
  clear() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ME);
  },
  /** A message for the sign-in page, e.g. why the session ended. */
  notice(text) {
    if (text === undefined) {
      const value = sessionStorage.getItem(NOTICE);
      sessionStorage.removeItem(NOTICE);
      return value;
    }
    sessionStorage.setItem(NOTICE, text);
  },
};

export const canWrite = (me) => Boolean(me && (me.admin || (me.scopes || []).includes('write')));

export function signOut(notice) {
  session.clear();
  if (notice) session.notice(notice);
  location.replace('/dashboard/sign-in');
}

/** A failed API call: the HTTP status and the problem document's detail. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `The API answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * Calls the JSON API with the session's key; a 401 ends the session. A POST or PUT always sends
 * a JSON body (an empty object at least), as resources that consume JSON expect.
 */
export async function api(path, { method = 'GET', body, headers = {}, key = session.key() } = {}) {
  if (body === undefined && (method === 'POST' || method === 'PUT')) body = {};
  const response = await fetch('/api/v1' + path, {
    method,
    headers: {
      Authorization: 'Bearer ' + key,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.status === 401 && key === session.key() && session.key()) {
    signOut('Your key was refused (unknown or revoked): sign in again.');
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** A query string of the given parameters that have a value. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

// ---- DOM ------------------------------------------------------------------------------------

/** An element with attributes (on* handlers become listeners) and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Says what happened in the page's live region (read out by screen readers). */
export function announce(message, kind = 'ok') {
  const status = $('#status');
  status.textContent = message;
  status.dataset.kind = kind;
}

export function reportError(error) {
  announce(error instanceof ApiError ? `${error.message} (HTTP ${error.status})` : String(error.message || error), 'error');
}

/**
 * An action button (shown only to keys that may write): disabled while it runs, and the result
 * — success or the API's problem — said in the live region.
 */
export function actionButton(label, testId, action, { danger = false } = {}) {
  const button = el('button', { type: 'button', 'data-action': testId, 'data-testid': testId, class: danger ? 'danger' : null }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      announce(await action(), 'ok');
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export function statusBadge(status) {
  return el('span', { class: 'badge badge-' + status, 'data-testid': 'run-status', 'data-status': status }, status);
}

/**
 * A short form of an id for people: its last eight characters, since the ids are UUIDv7 and
 * their first ones are the same for everything created in the same minutes.
 */
export const shortId = (id) => String(id).slice(-8);

export function runLink(id) {
  return el('a', { href: '/dashboard/runs/' + encodeURIComponent(id), class: 'mono', title: id }, shortId(id));
}

// ---- time -----------------------------------------------------------------------------------

/**
 * An instant as year-month-day hours:minutes:seconds, in this browser's zone or the one given
 * (then with the zone's abbreviation): the same unambiguous form whatever the browser's locale.
 */
export function formatInstant(date, zone, { seconds = true } = {}) {
  const options = {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    ...(seconds ? { second: '2-digit' } : {}),
    ...(zone ? { timeZone: zone, timeZoneName: 'short' } : {}),
  };
  let parts;
  try {
    parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', options).formatToParts(date).map((p) => [p.type, p.value]));
  } catch {
    return formatInstant(date, null, { seconds }) + ` (${zone} unknown to this browser)`;
  }
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds ? ':' + parts.second : ''}`
    + (zone ? ' ' + parts.timeZoneName : '');
}

/** An instant as a {@code <time>}, the exact instant in its title. */
export function time(iso, zone) {
  if (!iso) return el('span', { class: 'none' }, '—');
  return el('time', { datetime: iso, title: iso }, formatInstant(new Date(iso), zone, { seconds: !zone }));
}

/** An instant in a digest's zone, to the minute (cron instants are whole minutes, mostly). */
export const inZone = (date, zone) => formatInstant(date, zone, { seconds: false });

export function duration(millis) {
  if (millis === null || millis === undefined) return '—';
  const seconds = Math.round(millis / 1000);
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
  return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
}

/** A datetime-local input's value as an ISO instant, and back. */
export const fromLocalInput = (value) => (value ? new Date(value).toISOString() : '');
export function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Calls {@code fn} at most once per {@code millis}, at the end of a burst. */
export function debounce(fn, millis) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), millis);
  };
}

// ---- page start -----------------------------------------------------------------------------

/** Starts a signed-in page: back to sign-in without a session, then the page's own start. */
export async function start(page) {
  const me = session.me();
  if (!session.key() || !me) {
    location.replace('/dashboard/sign-in');
    return;
  }
  $('#who').textContent = me.admin ? 'Admin' : `${me.applicationName}${canWrite(me) ? '' : ' (read only)'}`;
  const out = $('#sign-out');
  out.hidden = false;
  out.addEventListener('click', () => signOut('Signed out.'));
  document.body.classList.toggle('can-write', canWrite(me));
  try {
    await page(me);
  } catch (error) {
    reportError(error);
  }
}
