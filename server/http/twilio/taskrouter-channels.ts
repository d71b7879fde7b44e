/**
 * TaskRouter TaskChannels and WorkerChannels in Twilio's shape. Parley routes one kind of
 * work, chats: the workspace has the one TaskChannel `chat`, and each worker one WorkerChannel
 * on it whose capacity is the worker's chat capacity (Parley's `capacity`).
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound, ParleyError } from '../../errors.ts';
import type { Worker } from '../../store/types.ts';
import { TASK_CHANNEL_SID, WORKSPACE_SID, type WorkspaceDates, workspaceDates } from './taskrouter-views.ts';
import { accountSidOf, baseUrlOf, Form, fixedSid, pageOf, pageRequest, twilioDate } from './wire.ts';

const workspaceUrl = (req: Request) => `${baseUrlOf(req)}/v1/Workspaces/${WORKSPACE_SID}`;
/** The TaskChannel is named by its sid or its unique name, as in Twilio. */
const isChat = (sidOrName: string) => sidOrName === TASK_CHANNEL_SID || sidOrName === 'chat';

const taskChannelView = (req: Request, dates: WorkspaceDates) => ({
  account_sid: accountSidOf(req),
  workspace_sid: WORKSPACE_SID,
  sid: TASK_CHANNEL_SID,
  friendly_name: 'Chat',
  unique_name: 'chat',
  channel_optimized_routing: false,
  date_created: twilioDate(dates.created),
  date_updated: twilioDate(dates.created),
  url: `${workspaceUrl(req)}/TaskChannels/${TASK_CHANNEL_SID}`,
  links: { workspace: workspaceUrl(req) },
});

/** Tasks reserved, assigned or wrapping count against a worker's capacity, as routing counts. */
const HOLDING = ['reserved', 'assigned', 'wrapping'] as const;

export function channelsRouter(core: Core): Router {
  const { store, agents } = core;
  const router = Router();

  router.get('/TaskChannels', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const dates = await workspaceDates(store);
    res.json(pageOf(req, 'channels', [dates], page, (d) => taskChannelView(req, d)));
  });
  router.get('/TaskChannels/:sid', async (req, res) => {
    if (!isChat(req.params.sid)) throw notFound('TaskChannel', req.params.sid);
    res.json(taskChannelView(req, await workspaceDates(store)));
  });

  async function workerChannelView(req: Request, worker: Worker) {
    const held = await Promise.all(
      HOLDING.map((status) => store.tasks.list({ workerSid: worker.sid, status })),
    );
    const assigned = held.flat().length;
    const url = `${workspaceUrl(req)}/Workers/${worker.sid}/Channels/${TASK_CHANNEL_SID}`;
    return {
      account_sid: accountSidOf(req),
      workspace_sid: WORKSPACE_SID,
      sid: fixedSid('WC', worker.sid),
      worker_sid: worker.sid,
      task_channel_sid: TASK_CHANNEL_SID,
      task_channel_unique_name: 'chat',
      assigned_tasks: assigned,
      // Whether the worker takes chats at all is its activity's say; the channel is always on.
      available: true,
      configured_capacity: worker.capacity,
      available_capacity_percentage: Math.max(
        0,
        Math.floor(((worker.capacity - assigned) / worker.capacity) * 100),
      ),
      date_created: twilioDate(worker.dateCreated),
      date_updated: twilioDate(worker.dateUpdated),
      url,
    };
  }
  const getWorker = async (sid: string) => {
    const worker = await store.workers.get(sid);
    if (!worker) throw notFound('Worker', sid);
    return worker;
  };
  const channelOf = (sid: string) => {
    if (!isChat(sid) && !/^WC[0-9a-f]{32}$/.test(sid)) throw notFound('WorkerChannel', sid);
  };

  router.get('/Workers/:sid/Channels', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const view = await workerChannelView(req, await getWorker(req.params.sid));
    res.json(pageOf(req, 'channels', [view], page, (v) => v));
  });
  router.get('/Workers/:sid/Channels/:channel', async (req, res) => {
    channelOf(req.params.channel);
    res.json(await workerChannelView(req, await getWorker(req.params.sid)));
  });
  router.post('/Workers/:sid/Channels/:channel', async (req, res) => {
    channelOf(req.params.channel);
    const form = Form.body(req);
    const capacity = form.integer('Capacity');
    const available = form.boolean('Available');
    form.done();
    if (available === false)
      throw new ParleyError(
        'invalid_request',
        "body.Available: Parley routes only chats, so a worker's chat channel stays on; set the worker's ActivitySid to one that offers no chats instead",
        400,
      );
    if (capacity !== undefined && (capacity < 1 || capacity > 100))
      throw new ParleyError(
        'invalid_request',
        `body.Capacity: expected 1 to 100 chats at once, got ${capacity}; to stop a worker's chats, set an ActivitySid that offers none`,
        400,
      );
    await getWorker(req.params.sid);
    if (capacity !== undefined) await agents.updateWorker(req.params.sid, { capacity });
    res.json(await workerChannelView(req, await getWorker(req.params.sid)));
  });
  return router;
}
