/**
 * Flex API WebChannels in Twilio's shape, from a backend with the admin key (no Origin check,
 * no session token, as Twilio's API): a web channel is a channel of a web Flex Flow, so the
 * list, fetch and delete read and remove the same channels `/v1/Channels` does.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound, ParleyError } from '../../errors.ts';
import { parse } from '../../schemas.ts';
import type { Channel } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { preEngagementData } from './flex-api.ts';
import { listChannels } from './plain-channels.ts';
import { accountSidOf, baseUrlOf, Form, pageRequest, twilioDate } from './wire.ts';

const webChannelView = (req: Request, channel: Channel) => ({
  account_sid: accountSidOf(req),
  flex_flow_sid: channel.flexFlowSid,
  sid: channel.sid,
  url: `${baseUrlOf(req)}/v1/WebChannels/${channel.sid}`,
  date_created: twilioDate(channel.dateCreated),
  date_updated: twilioDate(channel.dateUpdated),
});

export function webChannelsRouter(core: Core): Router {
  const { store, channelAdmin, conversations } = core;
  const router = Router();
  const webFlexFlows = async () =>
    new Set((await store.flexFlows.list()).filter((f) => f.channelType === 'web').map((f) => f.sid));
  /** A channel of a web Flex Flow; any other sid is not a web channel. */
  const getWebChannel = async (sid: string) => {
    const channel = await store.channels.get(sid);
    if (!channel || !(await webFlexFlows()).has(channel.flexFlowSid)) throw notFound('WebChannel', sid);
    return channel;
  };

  router.post('/v1/WebChannels', async (req, res) => {
    const form = Form.body(req);
    const flexFlowSid = form.required('FlexFlowSid');
    const input = {
      flexFlowSid,
      identity: form.required('Identity'),
      chatUserFriendlyName: form.required('CustomerFriendlyName'),
      chatFriendlyName: form.required('ChatFriendlyName'),
      chatUniqueName: form.string('ChatUniqueName'),
      preEngagementData: preEngagementData(form),
    };
    form.done();
    if (!(await webFlexFlows()).has(flexFlowSid)) throw notFound('Web Flex Flow', flexFlowSid);
    const channel = await channelAdmin.createChannel(parse(schemas.createChannel, input));
    res.status(201).json(webChannelView(req, channel));
  });
  router.get('/v1/WebChannels', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const web = await webFlexFlows();
    const keep = (c: Channel) => web.has(c.flexFlowSid);
    res.json(await listChannels(req, store, 'flex_chat_channels', page, (c) => webChannelView(req, c), keep));
  });
  router.get('/v1/WebChannels/:sid', async (req, res) => {
    res.json(webChannelView(req, await getWebChannel(req.params.sid)));
  });
  router.post('/v1/WebChannels/:sid', async (req, res) => {
    const form = Form.body(req);
    const chatStatus = form.string('ChatStatus');
    form.ignore('PostEngagementData').done();
    if (chatStatus !== undefined && chatStatus !== 'inactive')
      throw new ParleyError('invalid_request', 'body.ChatStatus: the only change is "inactive"', 400);
    const { sid } = await getWebChannel(req.params.sid);
    const channel = chatStatus
      ? await channelAdmin.updateChannel(sid, { status: 'inactive' })
      : await conversations.getChannel(sid);
    res.json(webChannelView(req, channel));
  });
  router.delete('/v1/WebChannels/:sid', async (req, res) => {
    await getWebChannel(req.params.sid);
    await channelAdmin.deleteChannel(req.params.sid);
    res.status(204).end();
  });
  return router;
}
