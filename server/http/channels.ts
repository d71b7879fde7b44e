/**
 * `/v1/Channels` (+ `/Messages`, `/Members`): the admin Channel API. The admin key may post
 * as any member, as Twilio's REST API does; a customer's message runs the Flex Flow exactly
 * as a widget message would.
 */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { notFound } from '../errors.ts';
import { parse, schemas } from '../schemas.ts';

export function channelsRouter(core: Core): Router {
  const { store, conversations, routing } = core;
  const router = Router();

  router.post('/', async (req, res) => {
    const input = parse(schemas.createChannel, req.body);
    const flexFlow = await store.flexFlows.get(input.flexFlowSid);
    if (!flexFlow) throw notFound('Flex Flow', input.flexFlowSid);
    const friendlyName = input.chatUserFriendlyName ?? input.identity;
    const contact =
      (await store.contacts.findByIdentity(input.identity)) ??
      (await store.contacts.create({ identity: input.identity, friendlyName }));
    let channel =
      (await store.channels.findActive(contact.sid, flexFlow.sid)) ??
      (await conversations.startChannel({
        flexFlow,
        contactSid: contact.sid,
        customerFriendlyName: friendlyName,
        chatFriendlyName: input.chatFriendlyName,
        preEngagementData: input.preEngagementData,
      }));
    if (input.taskAttributes && flexFlow.integrationType === 'task') {
      await routing.createTask(channel, input.taskAttributes);
      channel = await conversations.getChannel(channel.sid);
    }
    res.status(201).json({ ...channel, taskSid: channel.attributes.taskSid ?? null });
  });

  router.get('/:sid', async (req, res) => {
    const channel = await conversations.getChannel(req.params.sid);
    res.json({ ...channel, taskSid: channel.attributes.taskSid ?? null });
  });

  router.get('/:sid/Messages', async (req, res) => {
    const { afterIndex = -1, pageSize = 50 } = parse(schemas.listMessages, req.query, 'query');
    const channel = await conversations.getChannel(req.params.sid);
    const messages = await store.messages.list(channel.sid, { afterIndex, limit: pageSize });
    const last = messages.at(-1);
    res.json({
      messages,
      meta: {
        pageSize,
        afterIndex,
        nextAfterIndex: last && last.index < channel.lastMessageIndex ? last.index : null,
      },
    });
  });

  router.post('/:sid/Messages', async (req, res) => {
    const input = parse(schemas.postMessage, req.body);
    const { message, created } = await conversations.post({ channelSid: req.params.sid, ...input });
    res.status(created ? 201 : 200).json(message);
  });

  router.get('/:sid/Members', async (req, res) => {
    const channel = await conversations.getChannel(req.params.sid);
    const members = await store.members.list(channel.sid);
    res.json({ members, meta: { pageSize: members.length } });
  });

  return router;
}
