// The actions on a digest that both the digest list and the digest page offer.
import { announce, api, el, reportError, shortId } from './console.js';

export async function runNow(digest) {
  const run = await api(`/digests/${digest.id}/runs`, { method: 'POST' });
  return `Run ${shortId(run.id)} of "${digest.name}" queued.`;
}

/** A disclosure with a one-field form: sends the digest once to the address given. */
export function testSendForm(digest) {
  const input = el('input', { type: 'email', required: true, name: 'to', id: 'test-to-' + digest.id, 'data-testid': 'test-recipient', autocomplete: 'email' });
  const button = el('button', { type: 'submit', 'data-action': 'test-send', 'data-testid': 'test-send' }, 'Send test');
  const form = el('form', { class: 'inline-form' },
    el('label', { for: input.id }, 'Send to'), input, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const run = await api(`/digests/${digest.id}/test`, { method: 'POST', body: { to: input.value.trim() } });
      announce(`Test send of "${digest.name}" to ${input.value.trim()} queued as run ${shortId(run.id)}.`);
      form.reset();
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  });
  return el('details', { class: 'test-send' }, el('summary', { 'data-action': 'test-send-open' }, 'Test send'), form);
}
