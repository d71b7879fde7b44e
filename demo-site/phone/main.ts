/**
 * The phone simulator: a customer's phone texting the demo SMS number. It talks only to the
 * demo's fake provider (`/demo/phone/*`), which signs the webhooks; the page never sees the
 * Flex Flow's authToken. New texts are fetched by polling.
 */
interface PhoneMessage {
  id: number;
  direction: 'inbound' | 'outbound';
  address: string;
  body: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLOListElement>('log');
const address = $<HTMLInputElement>('address');
const input = $<HTMLInputElement>('body');
const notice = $<HTMLParagraphElement>('status');
let after = 0;

function show(message: PhoneMessage) {
  const item = document.createElement('li');
  item.className = message.direction;
  item.textContent = message.body;
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

async function poll() {
  try {
    const res = await fetch(
      `/demo/phone/messages?address=${encodeURIComponent(address.value)}&after=${after}`,
    );
    const { messages } = (await res.json()) as { messages: PhoneMessage[] };
    for (const message of messages) {
      show(message);
      after = Math.max(after, message.id);
    }
  } catch {
    // The next poll tries again.
  }
  setTimeout(poll, 1000);
}

address.addEventListener('change', () => {
  log.replaceChildren();
  after = 0;
});

$<HTMLFormElement>('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = input.value.trim();
  if (!body) return;
  notice.textContent = '';
  const res = await fetch('/demo/phone/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: address.value.trim(), body }),
  });
  if (res.ok) input.value = '';
  else
    notice.textContent = ((await res.json()) as { message?: string }).message ?? `Not sent (${res.status})`;
});

fetch('/demo/phone/config')
  .then((res) => res.json())
  .then((config: { number: string }) => {
    $('proxy-number').textContent = config.number;
  })
  .catch(() => {});
poll();

export {};
