/**
 * TaskRouter's Tasks in Twilio's shape, under the workspace: create (a task whose
 * `attributes.channelSid` names no channel gets a plain channel of its own), list with
 * Twilio's filters and ordering, fetch, update, delete.
 */
import { Router } from 'express';
import type { Core } from '../../core/index.ts';
import { taskView as coreTaskView } from '../../core/routing/views.ts';
import { notFound, ParleyError } from '../../errors.ts';
import { parse } from '../../schemas.ts';
import { schemas } from '../schemas.ts';
import { createPlainChannel } from './plain-channels.ts';
import { taskView } from './taskrouter-views.ts';
import { Form, given, pageOf, pageRequest } from './wire.ts';

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
    return coreTaskView(task, new Date());
  };

  ws.post('/Tasks', async (req, res) => {
    const form = Form.body(req);
    const attributes = form.object('Attributes') ?? {};
    const priority = form.integer('Priority');
    const timeout = form.integer('Timeout');
    const workflowSid = form.string('WorkflowSid');
    const taskChannel = form.string('TaskChannel');
    form.done();
    if (taskChannel && !['chat', 'default'].includes(taskChannel))
      throw new ParleyError(
        'invalid_request',
        'body.TaskChannel: Parley routes chats; use "chat" or leave it out',
        400,
      );
    if (workflowSid && !(await store.workflows.get(workflowSid))) throw notFound('Workflow', workflowSid);
    // Flex names the chat in `channelSid`; a task with none gets a plain channel to be held in.
    const named =
      typeof attributes.channelSid === 'string' ? await store.channels.get(attributes.channelSid) : null;
    const name = typeof attributes.name === 'string' ? { name: attributes.name } : undefined;
    const channel = named ?? (await createPlainChannel(core, { attributes: name, withCustomer: true }));
    const task = await routing.createTask(channel, attributes, priority, { workflowSid, timeout });
    res.status(201).json(taskView(req, coreTaskView(task, new Date()), await names()));
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
    res.json(taskView(req, await getTask(req.params.sid), await names()));
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
    );
    form.ignore('TaskChannel', 'VirtualStartTime').done();
    const task = await routing.updateTask(req.params.sid, patch);
    res.json(taskView(req, coreTaskView(task, new Date()), await names()));
  });
  ws.delete('/Tasks/:sid', async (req, res) => {
    await routing.deleteTask(req.params.sid);
    res.status(204).end();
  });

  return ws;
}
