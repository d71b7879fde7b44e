/**
 * TaskRouter's Tasks in Twilio's shape, under the workspace: create (a task whose
 * `attributes.channelSid` names no channel gets a plain channel of its own), list with
 * Twilio's filters and ordering, fetch, update, delete.
 *
 * Optimistic concurrency as Twilio's: a Task's responses carry an `ETag` (its revision, one more
 * at every write), and an update or deletion sent with `If-Match` applies only while the Task
 * is still at that revision, else 412 (code 20412).
 */
import { type Request, type Response, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { taskView as coreTaskView } from '../../core/routing/views.ts';
import { changedSince, notFound, ParleyError } from '../../errors.ts';
import { parse } from '../../schemas.ts';
import type { Task } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { createPlainChannel } from './plain-channels.ts';
import { TASK_CHANNEL_SID, taskView } from './taskrouter-views.ts';
import { Form, given, pageOf, pageRequest } from './wire.ts';

/** The revision an ETag names: `"3"`, as sent; `3` and `W/"3"` are read alike. */
const revisionOf = (tag: string) => {
  const bare = tag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  return /^\d{1,15}$/.test(bare) ? Number(bare) : null;
};

/**
 * The revision a request's If-Match holds the task to: none without the header or with `*`;
 * the task's own when the header names it (the write checks it again, in the same statement);
 * when it names only others, the task has changed since: 412.
 */
function ifMatch(req: Request, task: Task): number | undefined {
  const header = req.get('If-Match');
  if (header === undefined) return undefined;
  const tags = header.split(',');
  if (tags.some((tag) => tag.trim() === '*')) return undefined;
  if (tags.some((tag) => revisionOf(tag) === task.revision)) return task.revision;
  throw changedSince(task);
}

const withETag = (res: Response, task: Task) => res.set('ETag', `"${task.revision}"`);

export function tasksRouter(core: Core): Router {
  const { store, routing } = core;
  const ws = Router();

  /** Queue and workflow names, which Twilio's task carries beside their sids. */
  const names = async () => ({
    queues: new Map((await store.queues.list()).map((q) => [q.sid, q.friendlyName])),
    workflows: new Map((await store.workflows.list()).map((w) => [w.sid, w.friendlyName])),
  });
  const getTask = async (sid: string) => {
    const task = await store.tasks.get(sid);
    if (!task) throw notFound('Task', sid);
    return task;
  };

  ws.post('/Tasks', async (req, res) => {
    const form = Form.body(req);
    const attributes = form.object('Attributes') ?? {};
    const priority = form.integer('Priority');
    const timeout = form.integer('Timeout');
    const workflowSid = form.string('WorkflowSid');
    const taskChannel = form.string('TaskChannel');
    form.done();
    // Its unique name or its sid, as Twilio takes it.
    if (taskChannel && !['chat', 'default', TASK_CHANNEL_SID].includes(taskChannel))
      throw new ParleyError(
        'invalid_request',
        `body.TaskChannel: Parley routes chats; use "chat" (or its sid, ${TASK_CHANNEL_SID}) or leave it out`,
        400,
      );
    if (workflowSid && !(await store.workflows.get(workflowSid))) throw notFound('Workflow', workflowSid);
    // Flex names the chat in `channelSid`; a task with none gets a plain channel to be held in.
    const named =
      typeof attributes.channelSid === 'string' ? await store.channels.get(attributes.channelSid) : null;
    const name = typeof attributes.name === 'string' ? { name: attributes.name } : undefined;
    const channel = named ?? (await createPlainChannel(core, { attributes: name, withCustomer: true }));
    const task = await routing.createTask(channel, attributes, priority, { workflowSid, timeout });
    withETag(res, task)
      .status(201)
      .json(taskView(req, coreTaskView(task, new Date()), await names()));
  });
  ws.get('/Tasks', async (req, res) => {
    const form = Form.query(req);
    const statuses = form.list('AssignmentStatus');
    const workflowSid = form.string('WorkflowSid');
    const workflowName = form.string('WorkflowName');
    const queueSid = form.string('TaskQueueSid');
    const queueName = form.string('TaskQueueName');
    const priority = form.integer('Priority');
    const ordering = form.string('Ordering');
    const page = pageRequest(form);
    form.done();
    if (
      ordering &&
      !/^(DateCreated|Priority):(asc|desc)(,(DateCreated|Priority):(asc|desc))?$/.test(ordering)
    )
      throw new ParleyError(
        'invalid_request',
        'query.Ordering: expected e.g. "DateCreated:asc" or "Priority:desc"',
        400,
      );
    const known = await names();
    let all = (await store.tasks.list(given({ queueSid })))
      .map((t) => coreTaskView(t, new Date()))
      .filter(
        (t) =>
          (statuses.length === 0 || statuses.includes(t.status)) &&
          (!workflowSid || t.workflowSid === workflowSid) &&
          (!workflowName || (t.workflowSid && known.workflows.get(t.workflowSid) === workflowName)) &&
          (!queueName || known.queues.get(t.queueSid) === queueName) &&
          (priority === undefined || t.priority === priority),
      );
    all = all.sort((a, b) => a.dateCreated.localeCompare(b.dateCreated) || a.sid.localeCompare(b.sid));
    for (const rule of (ordering ?? '').split(',').filter(Boolean).reverse()) {
      const [field, direction] = rule.split(':');
      const sign = direction === 'desc' ? -1 : 1;
      all = [...all].sort(
        (a, b) =>
          sign *
          (field === 'Priority' ? a.priority - b.priority : a.dateCreated.localeCompare(b.dateCreated)),
      );
    }
    res.json(pageOf(req, 'tasks', all, page, (t) => taskView(req, t, known)));
  });
  ws.get('/Tasks/:sid', async (req, res) => {
    const task = await getTask(req.params.sid);
    withETag(res, task).json(taskView(req, coreTaskView(task, new Date()), await names()));
  });
  ws.post('/Tasks/:sid', async (req, res) => {
    const form = Form.body(req);
    const patch = parse(
      schemas.updateTask,
      given({
        attributes: form.object('Attributes'),
        priority: form.integer('Priority'),
        status: form.string('AssignmentStatus'),
        reason: form.string('Reason'),
      }),
      'body',
      { attributes: 'Attributes', priority: 'Priority', status: 'AssignmentStatus', reason: 'Reason' },
    );
    form.ignore('TaskChannel', 'VirtualStartTime').done();
    const revision = ifMatch(req, await getTask(req.params.sid));
    const task = await routing.updateTask(req.params.sid, patch, revision);
    withETag(res, task).json(taskView(req, coreTaskView(task, new Date()), await names()));
  });
  ws.delete('/Tasks/:sid', async (req, res) => {
    await routing.deleteTask(req.params.sid, ifMatch(req, await getTask(req.params.sid)));
    res.status(204).end();
  });

  return ws;
}
