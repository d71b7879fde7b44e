/**
 * Email addresses and reply text, as the email channel reads them. An address is compared
 * lower-cased (`Dana@Example.com` and `dana@example.com` are one customer), and a reply keeps
 * only what the customer wrote above the quoted history their mail program appends.
 */

const ADDRESS = /^[^\s@<>:,;"()[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;

/** True for a bare mailbox like `dana@example.com` (no display name, no colon). */
export const isEmailAddress = (text: string) => ADDRESS.test(text);

/** The lower-cased mailbox inside `Dana <Dana@Example.com>` or a bare address; null when there is none. */
export function mailboxOf(text: string): string | null {
  const address = (/<([^<>]+)>\s*$/.exec(text)?.[1] ?? text).trim().toLowerCase();
  return isEmailAddress(address) ? address : null;
}

/** The display name of `"Dana Smith" <dana@example.com>`, or null for a bare address. */
export function displayNameOf(text: string): string | null {
  const name = /^\s*"?([^"<]*?)"?\s*<[^<>]+>\s*$/.exec(text)?.[1]?.trim();
  return name || null;
}

/** The domain of an address, for the Message-IDs Parley gives the mail it sends. */
export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

// "On Tue, 3 Jun 2025 at 10:00, Parley <support@shop.example> wrote:" and its translations.
const QUOTE_HEADER = /^(On .+ wrote:|Am .+ schrieb .+:|Le .+ a écrit\s?:|El .+ escribió:)$/;
const SIGNATURE = /^-- ?$/;

/**
 * What the customer wrote in a reply: the text above the quoted message (`> …` lines, an
 * "On … wrote:" header, an Outlook "-----Original Message-----"), without the signature.
 * @example replyText('Thanks!\n\nOn Mon, Support wrote:\n> Your order shipped') // 'Thanks!'
 */
export function replyText(text: string): string {
  const kept: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const trimmed = line.trim();
    if (
      trimmed.startsWith('>') ||
      QUOTE_HEADER.test(trimmed) ||
      SIGNATURE.test(line) ||
      /^-{2,}\s*Original Message\s*-{2,}$/i.test(trimmed) ||
      /^_{10,}$/.test(trimmed)
    ) {
      break;
    }
    kept.push(line);
  }
  const reply = kept.join('\n').trim();
  // A message that is nothing but a quote (a forward) keeps its whole text.
  return reply || text.trim();
}
