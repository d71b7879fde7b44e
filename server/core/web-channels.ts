/**
 * The widget's way in: a visitor gets (or resumes) a contact and a channel on a web Flex Flow,
 * and a session token bound to both and to the Flex Flow. A token or proof from one Flex Flow
 * never opens a chat on another, and an erased contact's tokens resume nothing.
 */
import { randomBytes } from 'node:crypto';
import { forbidden, notFound, ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type {
  OfflineMessageRequest,
  WebChannelConfigResponse,
  WebChannelRequest,
  WebChannelResponse,
} from '../protocol.ts';
import type { Contact, FlexFlow, Store } from '../store/types.ts';
import { availabilityOf } from './availability.ts';
import type { Conversations } from './conversations.ts';
import {
  identityVerificationOf,
  isErasedIdentity,
  isVerifiedIdentity,
  isVerifiedOn,
  userIdentity,
  type VerifiedUser,
  verifyIdentify,
} from './identity.ts';
import { isOriginAllowed } from './origins.ts';
import type { Routing } from './routing/index.ts';
import { sessionStartOf, type Tokens } from './tokens.ts';

export interface WebChannelContext {
  origin: string | undefined;
  host: string | undefined;
  userAgent: string | undefined;
}

export type WebChannels = ReturnType<typeof createWebChannels>;

export interface WebChannelsDeps {
  store: Store;
  conversations: Conversations;
  routing: Routing;
  tokens: Tokens;
  clock: Clock;
  /** Where a page refused for its origin is noted, once per origin, for the site's owner. */
  log?: Pick<Logger, 'warn'>;
  /** Answers offline messages by email where email is set up; null leaves them web conversations. */
  offlineByEmail?: (
    flexFlow: FlexFlow,
    request: OfflineMessageRequest,
  ) => Promise<{ taskSid: string } | null>;
}

export function createWebChannels({
  store,
  conversations,
  routing,
  tokens,
  clock,
  log,
  offlineByEmail,
}: WebChannelsDeps) {
  // The browser keeps a refusal from the page (it is not for that page to read), so the widget
  // can only say it could not start: the server's log names the origin. Each origin once an
  // hour per Flex Flow, and at most a few lines a minute, so made-up origins can neither fill
  // the log nor keep a real one out of it for long.
  const refusals = new Map<string, { origins: Map<string, number>; minute: number; lines: number }>();
  function noteRefused(flexFlow: FlexFlow, origin: string | undefined) {
    if (!log) return;
    const now = clock().getTime();
    const seen = refusals.get(flexFlow.sid) ?? { origins: new Map<string, number>(), minute: 0, lines: 0 };
    refusals.set(flexFlow.sid, seen);
    const key = origin ?? '(no origin)';
    if (now - (seen.origins.get(key) ?? -Infinity) < 3_600_000) return;
    if (now - seen.minute >= 60_000) Object.assign(seen, { minute: now, lines: 0 });
    if (seen.lines >= 5) return;
    seen.lines += 1;
    seen.origins.delete(key);
    seen.origins.set(key, now);
    // The oldest go first: the map stays small whatever origins are sent.
    if (seen.origins.size > 100) seen.origins.delete(seen.origins.keys().next().value as string);
    log.warn(
      { flexFlowSid: flexFlow.sid, origin: origin ?? null },
      `a page at ${key} was refused the chat: its origin is not in Flex Flow ${flexFlow.sid}'s allowedOrigins (add it in the admin console, Flex Flows, if it should have the chat)`,
    );
  }

  /** The enabled web Flex Flow, if this origin may use it. */
  async function webFlexFlow(flexFlowSid: string, context: WebChannelContext): Promise<FlexFlow> {
    const flexFlow = await store.flexFlows.get(flexFlowSid);
    if (flexFlow?.channelType !== 'web') throw notFound('Web Flex Flow', flexFlowSid);
    if (!isOriginAllowed(flexFlow.allowedOrigins, context.origin, context.host)) {
      noteRefused(flexFlow, context.origin);
      throw forbidden(`Origin ${context.origin ?? '(none)'} is not in the Flex Flow's allowedOrigins`);
    }
    if (!flexFlow.enabled)
      throw new ParleyError('flex_flow_disabled', `Flex Flow ${flexFlow.sid} is disabled`, 409);
    return flexFlow;
  }

  /** The contact of a user this Flex Flow verified: the same on every device. */
  async function verifiedContact(flexFlow: FlexFlow, user: VerifiedUser) {
    const identity = userIdentity(flexFlow.sid, user.userId);
    const attributes = { userId: user.userId, verified: true, ...(user.email && { email: user.email }) };
    const existing = await store.contacts.findByIdentity(identity);
    if (existing) {
      return store.contacts.update(existing.sid, {
        friendlyName: user.name,
        attributes: { ...existing.attributes, ...attributes },
      });
    }
    try {
      return await store.contacts.create({ identity, friendlyName: user.name ?? 'Customer', attributes });
    } catch {
      // Another device of the same user created it at the same moment.
      const raced = await store.contacts.findByIdentity(identity);
      if (!raced) throw new Error(`contact ${identity} could not be created`);
      return raced;
    }
  }

  /**
   * The contact a session token may resume on this Flex Flow, with when its session began;
   * null when the token is invalid, was issued on another Flex Flow, or its contact is gone
   * or erased (erasing a contact revokes its tokens).
   */
  async function resumable(
    token: string | undefined,
    flexFlow: FlexFlow,
  ): Promise<{ contact: Contact; since?: number } | null> {
    const claims = token ? tokens.verify(token) : null;
    if (claims?.kind !== 'visitor') return null;
    // Tokens from before scoping name no Flex Flow; their channel does.
    const issuedOn = claims.flexFlowSid ?? (await store.channels.get(claims.channelSid))?.flexFlowSid;
    if (issuedOn !== flexFlow.sid) return null;
    const contact = await store.contacts.get(claims.contactSid);
    if (!contact || isErasedIdentity(contact.identity)) return null;
    if (isVerifiedIdentity(contact.identity) && !isVerifiedOn(flexFlow.sid, contact.identity)) return null;
    return { contact, since: sessionStartOf(claims) };
  }

  return {
    /** What the widget shows before a chat: its configuration and whether anyone answers now. */
    async config(flexFlowSid: string, context: WebChannelContext): Promise<WebChannelConfigResponse> {
      const flexFlow = await webFlexFlow(flexFlowSid, context);
      const { businessHours: _hours, ...widgetConfig } = flexFlow.widgetConfig ?? {};
      return { flexFlowSid, widgetConfig, availability: await availabilityOf(store, flexFlow, clock()) };
    },

    /** A message left while nobody answers: a channel with the message and a task for later. */
    async leaveOfflineMessage(request: OfflineMessageRequest, context: WebChannelContext) {
      const flexFlow = await webFlexFlow(request.flexFlowSid, context);
      // A Flex Flow that requires verified users takes their offline messages only with proof.
      const user = verifyIdentify(flexFlow, request.identify, clock());
      const emailed = await offlineByEmail?.(flexFlow, request);
      if (emailed) return emailed;
      const contact = user
        ? await verifiedContact(flexFlow, user)
        : await store.contacts.create({
            identity: `visitor-${randomBytes(12).toString('hex')}`,
            friendlyName: request.name,
            attributes: { email: request.email },
          });
      const channel = await conversations.startChannel({
        flexFlow,
        contactSid: contact.sid,
        customerFriendlyName: request.name,
        preEngagementData: { email: request.email },
        pageUrl: request.pageUrl,
        userAgent: context.userAgent,
      });
      // The task comes first, so the message starts neither a bot nor a second task.
      const task = await routing.createTask(channel, {
        channelType: 'web',
        name: request.name,
        email: request.email,
        channelSid: channel.sid,
        firstMessage: request.body,
        offline: true,
      });
      await conversations.post({ channelSid: channel.sid, from: contact.identity, body: request.body });
      return { taskSid: task.sid };
    },

    async open(request: WebChannelRequest, context: WebChannelContext): Promise<WebChannelResponse> {
      const flexFlow = await webFlexFlow(request.flexFlowSid, context);
      const resumed = await resumable(request.token, flexFlow);
      let known = resumed?.contact ?? null;
      // A resumed session keeps its start, so reopening never extends its absolute lifetime.
      let since = resumed?.since;
      if (request.identify) {
        // Whoever the token was, the proven user is who this visitor is now: a new session.
        const user = verifyIdentify(flexFlow, request.identify, clock());
        if (user) {
          known = await verifiedContact(flexFlow, user);
          since = undefined;
        }
      } else if (!known || !isVerifiedIdentity(known.identity)) {
        // Only this Flex Flow's verified user's own session token stands in for the proof;
        // this throws when proof is required.
        if (identityVerificationOf(flexFlow)?.required) known = null;
        verifyIdentify(flexFlow, undefined, clock());
      }
      const friendlyName = request.customerFriendlyName?.trim() || known?.friendlyName || 'Customer';
      const contact =
        known ??
        (await store.contacts.create({
          identity: `visitor-${randomBytes(12).toString('hex')}`,
          friendlyName,
          attributes: {},
        }));
      const channel =
        (await store.channels.findActive(contact.sid, flexFlow.sid)) ??
        (await conversations.startChannel({
          flexFlow,
          contactSid: contact.sid,
          customerFriendlyName: friendlyName,
          preEngagementData: request.preEngagementData,
          pageUrl: request.pageUrl,
          userAgent: context.userAgent,
        }));
      const { token, expiresAt } = tokens.sign({
        kind: 'visitor',
        contactSid: contact.sid,
        channelSid: channel.sid,
        flexFlowSid: flexFlow.sid,
        ...(since !== undefined && { since }),
      });
      return {
        channelSid: channel.sid,
        contactSid: contact.sid,
        identity: contact.identity,
        token,
        expiresAt,
      };
    },
  };
}
