/**
 * Conversations v1 in Twilio's shape, under `/v1/Conversations`, mapped onto channels: a
 * conversation is a channel (a Flex chat, or a plain channel when created here), its messages
 * and participants the channel's messages and members. A message's `Author` is free text, as
 * in Twilio: one who is not yet a participant joins as a system member. A conversation is
 * addressed by its sid or by its unique name, which no two conversations share.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { ParleyError, uniqueNameTaken } from '../../errors.ts';
import { LIMITS, parse } from '../../schemas.ts';
import type { Channel, Message } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { conversationUrl, participantsRouter } from './conversation-participants.ts';
import { CHAT_SERVICE_SID } from './flex-api.ts';
import { createPlainChannel, listChannels } from './plain-channels.ts';
import { accountSidOf, Form, listPage, pageOf, pageRequest, twilioDate } from './wire.ts';

const CHANNEL_SID = /^CH[0-9a-fA-F]{32}$/;

function conversationView(req: Request, channel: Channel) {
  const url = conversationUrl(req, channel.sid);
  // taskSid is Parley's own note of the chat's open task; there is none to show before one.
  const { uniqueName, taskSid, ...attributes } = channel.attributes;
  if (taskSid != null) attributes.taskSid = taskSid;
  return {
    account_sid: accountSidOf(req),
    chat_service_sid: CHAT_SERVICE_SID,
    messaging_service_sid: null,
    sid: channel.sid,
    friendly_name: channel.friendlyName || null,
    unique_name: typeof uniqueName === 'string' ? uniqueName : null,
    attributes: JSON.stringify(attributes),
    state: channel.status === 'active' ? 'active' : 'closed',
    timers: {},
    bindings: null,
    date_created: twilioDate(channel.dateCreated),
    date_updated: twilioDate(channel.dateUpdated),
    url,
    links: { participants: `${url}/Participants`, messages: `${url}/Messages`, webhooks: `${url}/Webhooks` },
  };
}

const messageView = (req: Request, message: Message, participantSid: string | null) => {
  const url = `${conversationUrl(req, message.channelSid)}/Messages/${message.sid}`;
  return {
    account_sid: accountSidOf(req),
    conversation_sid: message.channelSid,
    sid: message.sid,
    index: message.index,
    author: message.from,
    body: message.body,
    media: null,
    attributes: JSON.stringify(message.attributes),
    participant_sid: participantSid,
    delivery: null,
    content_sid: null,
    date_created: twilioDate(message.dateCreated),
    date_updated: twilioDate(message.dateCreated),
    url,
    links: { delivery_receipts: `${url}/Receipts`, channel_metadata: `${url}/ChannelMetadata` },
  };
};

/** `State` as Parley's channel status: closed and inactive both end the chat. */
function statusOf(form: Form): Channel['status'] | undefined {
  const state = form.string('State');
  if (state === undefined) return undefined;
  if (state === 'active') return 'active';
  if (state === 'closed' || state === 'inactive') return 'inactive';
  throw new ParleyError('invalid_request', 'body.State: expected active, inactive or closed', 400);
}

export function conversationsRouter(core: Core): Router {
  const { store, conversations, channelAdmin } = core;
  const router = Router();
  const participantSids = async (channelSid: string) =>
    new Map((await store.members.list(channelSid)).map((m) => [m.identity, m.sid]));

  // `/Conversations/{UniqueName}/...` is `/Conversations/{sid}/...` of the conversation so named.
  router.use(async (req, _res, next) => {
    const [, first, rest] = /^\/([^/?]+)(.*)$/s.exec(req.url) ?? [];
    if (!first || CHANNEL_SID.test(first)) return next();
    let name: string;
    try {
      name = decodeURIComponent(first);
    } catch {
      return next();
    }
    const channel = await store.channels.findByUniqueName(name);
    if (channel) req.url = `/${channel.sid}${rest}`;
    next();
  });

  router.post('/', async (req, res) => {
    const form = Form.body(req);
    const friendlyName = form.string('FriendlyName');
    const uniqueName = form.string('UniqueName');
    const attributes = form.object('Attributes');
    const status = statusOf(form);
    form.ignore('MessagingServiceSid', 'DateCreated', 'DateUpdated').done();
    const input = parse(schemas.updateChannel, { friendlyName, attributes });
    // Refused before its contact is made; the store refuses a name taken meanwhile.
    if (uniqueName && (await store.channels.findByUniqueName(uniqueName))) throw uniqueNameTaken(uniqueName);
    let channel = await createPlainChannel(core, {
      friendlyName: input.friendlyName,
      attributes: { ...input.attributes, ...(uniqueName && { uniqueName }) },
    });
    if (status === 'inactive') channel = await channelAdmin.updateChannel(channel.sid, { status });
    res.status(201).json(conversationView(req, channel));
  });
  router.get('/', async (req, res) => {
    const form = Form.query(req);
    const state = form.string('State');
    // Created on or after StartDate, on or before EndDate.
    const start = form.date('StartDate');
    const end = form.date('EndDate');
    const page = pageRequest(form);
    form.done();
    if (state !== undefined && !['active', 'inactive', 'closed'].includes(state))
      throw new ParleyError('invalid_request', 'query.State: expected active, inactive or closed', 400);
    // Parley's channels are active or ended: an ended one is both inactive and closed.
    const inState = (c: Channel) => state === undefined || (c.status === 'active') === (state === 'active');
    const inRange = (c: Channel) => {
      const at = Date.parse(c.dateCreated);
      return (start === undefined || at >= start) && (end === undefined || at <= end);
    };
    const keep =
      state === undefined && start === undefined && end === undefined
        ? undefined
        : (c: Channel) => inState(c) && inRange(c);
    res.json(
      await listChannels(
        req,
        store,
        'conversations',
        page,
        (c) => conversationView(req, c),
        keep || undefined,
      ),
    );
  });
  router.get('/:sid', async (req, res) => {
    res.json(conversationView(req, await conversations.getChannel(req.params.sid)));
  });
  router.post('/:sid', async (req, res) => {
    const current = await conversations.getChannel(req.params.sid);
    const form = Form.body(req);
    const friendlyName = form.string('FriendlyName');
    const uniqueName = form.string('UniqueName');
    const attributes = form.object('Attributes');
    const status = statusOf(form);
    form.ignore('MessagingServiceSid', 'DateCreated', 'DateUpdated').done();
    const keep = uniqueName ?? current.attributes.uniqueName;
    const patch = parse(schemas.updateChannel, {
      friendlyName,
      status,
      attributes:
        attributes || uniqueName !== undefined
          ? { ...(attributes ?? current.attributes), ...(keep !== undefined && { uniqueName: keep }) }
          : undefined,
    });
    res.json(conversationView(req, await channelAdmin.updateChannel(current.sid, patch)));
  });
  router.delete('/:sid', async (req, res) => {
    await channelAdmin.deleteChannel(req.params.sid);
    res.status(204).end();
  });

  router.post('/:sid/Messages', async (req, res) => {
    const channel = await conversations.getChannel(req.params.sid);
    const form = Form.body(req);
    const author = form.string('Author') || 'system';
    const body = form.required('Body');
    const attributes = form.object('Attributes');
    form.ignore('DateCreated', 'DateUpdated').done();
    if (author.length > 200)
      throw new ParleyError('invalid_request', 'body.Author: at most 200 characters', 400);
    if (body.length > LIMITS.messageBody)
      throw new ParleyError('invalid_request', `body.Body: at most ${LIMITS.messageBody} characters`, 400);
    let member = await store.members.get(channel.sid, author);
    if (!member) member = await conversations.addMember(channel.sid, author, 'system', author);
    const input = parse(schemas.postMessage, { from: author, body, attributes });
    const { message } = await conversations.post({ channelSid: channel.sid, ...input });
    res.status(201).json(messageView(req, message, member.sid));
  });
  router.get('/:sid/Messages', async (req, res) => {
    const channel = await conversations.getChannel(req.params.sid);
    const form = Form.query(req);
    const order = form.string('Order') ?? 'asc';
    const page = pageRequest(form);
    form.done();
    if (order !== 'asc' && order !== 'desc')
      throw new ParleyError('invalid_request', 'query.Order: expected asc or desc', 400);
    const sids = await participantSids(channel.sid);
    const view = (m: Message) => messageView(req, m, sids.get(m.from) ?? null);
    if (order === 'desc') {
      const all = await store.messages.list(channel.sid, {
        afterIndex: -1,
        limit: channel.lastMessageIndex + 1,
      });
      res.json(pageOf(req, 'messages', all.reverse(), page, view));
      return;
    }
    // Ascending pages follow the index: the token is the last index of the page before. `Page`
    // without a token (rare: the libraries follow next_page_url) skips that many pages.
    let afterIndex = page.token !== undefined ? Number(page.token) : -1;
    if (!Number.isInteger(afterIndex))
      throw new ParleyError('invalid_request', 'query.PageToken: use the next_page_url Parley gave', 400);
    if (page.token === undefined && page.page > 0) {
      const skipped = await store.messages.list(channel.sid, {
        afterIndex: -1,
        limit: page.page * page.pageSize,
      });
      afterIndex =
        skipped.length < page.page * page.pageSize ? channel.lastMessageIndex : (skipped.at(-1)?.index ?? -1);
    }
    const messages = await store.messages.list(channel.sid, { afterIndex, limit: page.pageSize + 1 });
    const items = messages.slice(0, page.pageSize);
    const next = messages.length > page.pageSize ? String(items.at(-1)?.index) : null;
    res.json(listPage(req, 'messages', items.map(view), page, next));
  });
  router.get('/:sid/Messages/:messageSid', async (req, res) => {
    const message = await channelAdmin.getMessage(req.params.sid, req.params.messageSid);
    res.json(messageView(req, message, (await participantSids(req.params.sid)).get(message.from) ?? null));
  });
  router.post('/:sid/Messages/:messageSid', async (req, res) => {
    const form = Form.body(req);
    const attributes = form.object('Attributes');
    form.ignore('DateCreated', 'DateUpdated').done();
    const current = await channelAdmin.getMessage(req.params.sid, req.params.messageSid);
    const message = attributes
      ? await channelAdmin.updateMessage(
          req.params.sid,
          current.sid,
          parse(schemas.updateMessage, { attributes }).attributes,
        )
      : current;
    res.json(messageView(req, message, (await participantSids(req.params.sid)).get(message.from) ?? null));
  });
  router.delete('/:sid/Messages/:messageSid', async (req, res) => {
    await channelAdmin.deleteMessage(req.params.sid, req.params.messageSid);
    res.status(204).end();
  });

  router.use(participantsRouter(core));
  return router;
}
