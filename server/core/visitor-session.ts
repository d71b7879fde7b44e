/**
 * Who a visitor's session token stands for, on the widget's REST calls that act on an existing
 * conversation (ratings, history). The same scoping as the socket handshake and as resuming
 * in web-channels.ts: the token must be a visitor's, its channel the contact's own, issued on
 * that channel's Flex Flow, the contact not erased, a verified user only on the Flex Flow that
 * verified them, and the calling page an origin the Flex Flow allows.
 */
import { forbidden, ParleyError } from '../errors.ts';
import type { Channel, Contact, FlexFlow, Store } from '../store/types.ts';
import { isErasedIdentity, isVerifiedIdentity, isVerifiedOn } from './identity.ts';
import { isOriginAllowed } from './origins.ts';
import type { Tokens } from './tokens.ts';

export interface VisitorSession {
  contact: Contact;
  channel: Channel;
  flexFlow: FlexFlow;
}

const refused = () =>
  new ParleyError(
    'unauthorized',
    'token: the session token is missing, invalid or expired: send the token POST /v1/WebChannels gave',
    401,
  );

/** The visitor a token stands for; throws 401 for a token that stands for no one, 403 for a foreign origin. */
export async function visitorSessionOf(
  deps: { store: Store; tokens: Tokens },
  token: string,
  context: { origin: string | undefined; host: string | undefined },
): Promise<VisitorSession> {
  const claims = deps.tokens.verify(token);
  if (claims?.kind !== 'visitor') throw refused();
  const [contact, channel] = await Promise.all([
    deps.store.contacts.get(claims.contactSid),
    deps.store.channels.get(claims.channelSid),
  ]);
  if (!contact || !channel || channel.contactSid !== contact.sid || isErasedIdentity(contact.identity)) {
    throw refused();
  }
  // Tokens from before scoping name no Flex Flow; their channel does.
  if (claims.flexFlowSid && claims.flexFlowSid !== channel.flexFlowSid) throw refused();
  const flexFlow = await deps.store.flexFlows.get(channel.flexFlowSid);
  if (!flexFlow) throw refused();
  if (isVerifiedIdentity(contact.identity) && !isVerifiedOn(flexFlow.sid, contact.identity)) throw refused();
  if (!isOriginAllowed(flexFlow.allowedOrigins, context.origin, context.host)) {
    throw forbidden(`Origin ${context.origin ?? '(none)'} is not in the Flex Flow's allowedOrigins`);
  }
  return { contact, channel, flexFlow };
}
