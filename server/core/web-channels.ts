/**
 * The widget's way in: a visitor gets (or resumes) a contact and a channel on a web Flex Flow,
 * and a session token bound to both.
 */
import { randomBytes } from 'node:crypto';
import { forbidden, notFound, ParleyError } from '../errors.ts';
import type { WebChannelRequest, WebChannelResponse } from '../protocol.ts';
import type { Store } from '../store/types.ts';
import type { Conversations } from './conversations.ts';
import { isOriginAllowed } from './origins.ts';
import type { Tokens } from './tokens.ts';

export interface WebChannelContext {
  origin: string | undefined;
  host: string | undefined;
  userAgent: string | undefined;
}

export type WebChannels = ReturnType<typeof createWebChannels>;

export function createWebChannels({
  store,
  conversations,
  tokens,
}: {
  store: Store;
  conversations: Conversations;
  tokens: Tokens;
}) {
  return {
    async open(request: WebChannelRequest, context: WebChannelContext): Promise<WebChannelResponse> {
      const flexFlow = await store.flexFlows.get(request.flexFlowSid);
      if (flexFlow?.channelType !== 'web') throw notFound('Web Flex Flow', request.flexFlowSid);
      if (!isOriginAllowed(flexFlow.allowedOrigins, context.origin, context.host)) {
        throw forbidden(`Origin ${context.origin ?? '(none)'} is not in the Flex Flow's allowedOrigins`);
      }
      if (!flexFlow.enabled) {
        throw new ParleyError('flex_flow_disabled', `Flex Flow ${flexFlow.sid} is disabled`, 409);
      }
      const previous = request.token ? tokens.verify(request.token) : null;
      const known = previous?.kind === 'visitor' ? await store.contacts.get(previous.contactSid) : null;
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
