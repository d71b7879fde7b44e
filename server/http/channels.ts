/**
 * `/v1/Channels` (+ `/Messages`, `/Members`): the admin Channel API. The admin key may post
 * as any member, as Twilio's REST API does; a customer's message runs the Flex Flow exactly
 * as a widget message would.
 */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { parse } from '../schemas.ts';
import type { Channel } from '../store/types.ts';
import { postOrPatch } from './routing.ts';
import { schemas } from './schemas.ts';

const withTaskSid = (channel: Channel) => ({ ...channel, taskSid: channel.attributes.taskSid ?? null });

export function channelsRouter(core: Core): Router {
  const { store, conversations, channelAdmin } = core;
  const router = Router();

  router.post('/', async (req, res) => {
    const channel = await channelAdmin.createChannel(parse(schemas.createChannel, req.body));
    res.status(201).json(withTaskSid(channel));
  });
  router.get('/:sid', async (req, res) => {
    res.json(withTaskSid(await conversations.getChannel(req.params.sid)));
  });
  postOrPatch(router, '/:sid', async (req, res) => {
    const patch = parse(schemas.updateChannel, req.body);
    res.json(withTaskSid(await channelAdmin.updateChannel(req.params.sid, patch)));
  });
  router.delete('/:sid', async (req, res) => {
    await channelAdmin.deleteChannel(req.params.sid);
    res.status(204).end();
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
  router.get('/:sid/Messages/:messageSid', async (req, res) => {
    res.json(await channelAdmin.getMessage(req.params.sid, req.params.messageSid));
  });
  const updateMessage = async (
    req: import('express').Request<{ sid: string; messageSid: string }>,
    res: import('express').Response,
  ) => {
    const { attributes } = parse(schemas.updateMessage, req.body);
    res.json(await channelAdmin.updateMessage(req.params.sid, req.params.messageSid, attributes));
  };
  router.post('/:sid/Messages/:messageSid', updateMessage);
  router.patch('/:sid/Messages/:messageSid', updateMessage);
  router.delete('/:sid/Messages/:messageSid', async (req, res) => {
    await channelAdmin.deleteMessage(req.params.sid, req.params.messageSid);
    res.status(204).end();
  });

  router.get('/:sid/Members', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    const channel = await conversations.getChannel(req.params.sid);
    const members = await store.members.list(channel.sid);
    res.json({ members, meta: { pageSize: members.length } });
  });
  router.post('/:sid/Members', async (req, res) => {
    res.status(201).json(await channelAdmin.addMember(req.params.sid, parse(schemas.addMember, req.body)));
  });
  const updateMember = async (
    req: import('express').Request<{ sid: string; identity: string }>,
    res: import('express').Response,
  ) => {
    const { lastReadIndex } = parse(schemas.updateMember, req.body);
    res.json(await channelAdmin.updateReadHorizon(req.params.sid, req.params.identity, lastReadIndex));
  };
  router.post('/:sid/Members/:identity', updateMember);
  router.patch('/:sid/Members/:identity', updateMember);
  router.delete('/:sid/Members/:identity', async (req, res) => {
    await channelAdmin.removeMember(req.params.sid, req.params.identity);
    res.status(204).end();
  });
  return router;
}
