// Sign-in: checks the key with GET /api/v1/me and keeps it in this tab's session storage.
import { $, api, ApiError, session } from './console.js';

const form = $('#sign-in-form');
const input = $('#api-key');
const error = $('#sign-in-error');

const notice = session.notice();
if (notice) $('#status').textContent = notice;
if (session.key() && session.me()) location.replace('/dashboard');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = input.value.trim();
  error.hidden = true;
  form.querySelector('button').disabled = true;
  try {
    const me = await api('/me', { key });
    session.save(key, me);
    location.replace('/dashboard');
  } catch (failure) {
    error.textContent = failure instanceof ApiError && failure.status === 401
      ? 'That key is unknown or revoked.'
      : failure instanceof ApiError && failure.status === 429
        ? 'Too many attempts from this address; wait a minute and try again.'
        : `Could not sign in: ${failure.message}`;
    error.hidden = false;
    input.focus();
  } finally {
    form.querySelector('button').disabled = false;
  }
});
input.focus();
