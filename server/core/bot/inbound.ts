/**
 * What a bot execution hears of its channel: a customer's message in the shape Studio gives its
 * widgets, and the stand-in for a Flex Flow when an execution was started by request.
 */
import type { Channel, FlexFlow, Message } from '../../store/types.ts';
import { flexChannelAttributes } from './flex-attributes.ts';
import type { InboundMessage } from './widgets/types.ts';

/**
 * What an execution started by request on a channel of no Flex Flow runs with in place of one
 * (a Twilio-shaped execution whose `From` is no Flex Flow's address): its own flow, that
 * address, no workflow of its own. Built from the request, and again from the execution's
 * state for each later message, so it needs nothing stored beside them.
 */
export function requestContext(channel: Channel, flowSid: string, address: string): FlexFlow {
  return {
    sid: channel.flexFlowSid,
    friendlyName: '',
    channelType: 'custom',
    contactIdentity: address,
    enabled: true,
    integrationType: 'studio',
    integration: { flowSid },
    longLived: false,
    janitorEnabled: false,
    allowedOrigins: [],
    widgetConfig: {},
    messagingConnector: null,
    dateCreated: channel.dateCreated,
    dateUpdated: channel.dateUpdated,
  };
}

/** A customer's message as the execution hears it (Studio's trigger.message / widgets' inbound). */
export function inboundOf(flexFlow: FlexFlow, channel: Channel, message: Message): InboundMessage {
  return {
    Body: message.body,
    From: message.from,
    To: flexFlow.contactIdentity,
    ChannelSid: channel.sid,
    MessageSid: message.sid,
    ChannelAttributes: flexChannelAttributes(channel.attributes),
    Attributes: message.attributes,
    DateCreated: message.dateCreated,
  };
}
