/**
 * Studio v2 in Twilio's shape, under `/v2/Flows`: bot flows (always published: Parley runs the
 * newest revision), their Executions started by request (`To`, `From`, `Parameters` as
 * `{{flow.data}}`), each execution's Context and Steps.
 */
import { type Request, Router } from 'express';
import { type FlowDefinition, validateDefinition } from '../../core/bot/definition.ts';
import type { Core } from '../../core/index.ts';
import { notFound, ParleyError } from '../../errors.ts';
import type { Channel, Execution, Flow } from '../../store/types.ts';
import type { StepLog } from '../../studio-types.ts';
import { createPlainChannel } from './plain-channels.ts';
import { accountSidOf, baseUrlOf, Form, fixedSid, pageOf, pageRequest, twilioDate } from './wire.ts';

function checked(definition: unknown): FlowDefinition {
  const problems = validateDefinition(definition);
  if (problems.length > 0)
    throw new ParleyError(
      'invalid_flow',
      `body.Definition: ${problems.map((p) => p.message).join('; ')}`,
      400,
    );
  return definition as FlowDefinition;
}

const flowUrl = (req: Request, sid: string) => `${baseUrlOf(req)}/v2/Flows/${sid}`;

const flowView = (req: Request, flow: Flow, commitMessage: string | null = null) => ({
  account_sid: accountSidOf(req),
  sid: flow.sid,
  friendly_name: flow.friendlyName,
  definition: flow.definition,
  status: 'published',
  revision: flow.revision,
  commit_message: commitMessage,
  valid: true,
  errors: [],
  warnings: [],
  author_sid: null,
  webhook_url: `${baseUrlOf(req)}/v2/Flows/${flow.sid}/Executions`,
  date_created: twilioDate(flow.dateCreated),
  date_updated: twilioDate(flow.dateUpdated),
  url: flowUrl(req, flow.sid),
  links: {
    executions: `${flowUrl(req, flow.sid)}/Executions`,
    revisions: `${flowUrl(req, flow.sid)}/Revisions`,
  },
});

function executionView(req: Request, execution: Execution) {
  const url = `${flowUrl(req, execution.flowSid)}/Executions/${execution.sid}`;
  return {
    account_sid: accountSidOf(req),
    sid: execution.sid,
    flow_sid: execution.flowSid,
    flow_version: execution.flowRevision,
    // Twilio's contact sids are FX…; Parley's contact (US…) keeps its 32 hex digits behind it.
    contact_sid: `FX${execution.contactSid.slice(2)}`,
    contact_channel_address: (execution.state.context.contact.channel as { address?: string } | undefined)
      ?.address,
    context: execution.state.context,
    status: execution.status,
    initiated_by: null,
    date_created: twilioDate(execution.dateCreated),
    date_updated: twilioDate(execution.dateUpdated),
    url,
    links: { steps: `${url}/Steps`, execution_context: `${url}/Context` },
  };
}

export function studioRouter(core: Core): Router {
  const { store, bot, conversations, channelAdmin, messaging } = core;
  const router = Router();
  const getFlow = async (sid: string) => {
    const flow = await store.flows.get(sid);
    if (!flow) throw notFound('Flow', sid);
    return flow;
  };
  const getExecution = async (flowSid: string, sid: string) => {
    const execution = await store.executions.get(sid);
    if (!execution || execution.flowSid !== flowSid) throw notFound('Execution', sid);
    return execution;
  };

  /** `Status` is accepted for Twilio's sake: every revision Parley stores is the one that runs. */
  const readStatus = (form: Form) => {
    const status = form.string('Status');
    if (status !== undefined && !['draft', 'published'].includes(status))
      throw new ParleyError('invalid_request', 'body.Status: expected draft or published', 400);
  };

  router.post('/Flows', async (req, res) => {
    const form = Form.body(req);
    const friendlyName = form.required('FriendlyName');
    form.required('Status');
    readStatus(form);
    form.required('Definition');
    const definition = checked(form.json('Definition'));
    const commitMessage = form.string('CommitMessage') ?? null;
    form.done();
    res
      .status(201)
      .json(flowView(req, await store.flows.create({ friendlyName, definition }), commitMessage));
  });
  router.get('/Flows', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    res.json(pageOf(req, 'flows', await store.flows.list(), page, (f) => flowView(req, f)));
  });
  router.get('/Flows/:sid', async (req, res) => {
    res.json(flowView(req, await getFlow(req.params.sid)));
  });
  router.post('/Flows/:sid', async (req, res) => {
    await getFlow(req.params.sid);
    const form = Form.body(req);
    form.required('Status');
    readStatus(form);
    const friendlyName = form.string('FriendlyName');
    const definition = form.has('Definition') ? checked(form.json('Definition')) : undefined;
    const commitMessage = form.string('CommitMessage') ?? null;
    form.done();
    res.json(
      flowView(req, await store.flows.update(req.params.sid, { friendlyName, definition }), commitMessage),
    );
  });
  router.delete('/Flows/:sid', async (req, res) => {
    await getFlow(req.params.sid);
    await store.flows.delete(req.params.sid);
    res.status(204).end();
  });

  /**
   * Where an execution runs: `To` a channel sid; or `To` a contact's address with `From` the
   * contact identity of a Flex Flow (a messaging one opens a proxy session, as an SMS would).
   * A `From` that is no Flex Flow's address (a number from Twilio's docs or another account)
   * runs on a conversation of its own with `To` as the customer: the flow's messages are stored
   * there (read through /v1/Conversations/CH…/Messages) and the customer's replies, posted there
   * with `Author` `To`, reach the waiting widget.
   */
  async function channelFor(to: string, from: string): Promise<Channel> {
    if (/^CH[0-9a-f]{32}$/.test(to)) return conversations.getChannel(to);
    const flexFlow = (await store.flexFlows.list()).find((f) => f.enabled && f.contactIdentity === from);
    if (!flexFlow) return createPlainChannel(core, { identity: to, withCustomer: true });
    if (flexFlow.messagingConnector) return (await messaging.sessions.openFor(flexFlow, to)).channel;
    return channelAdmin.createChannel({ flexFlowSid: flexFlow.sid, identity: to });
  }

  router.post('/Flows/:sid/Executions', async (req, res) => {
    await getFlow(req.params.sid);
    const form = Form.body(req);
    const to = form.required('To');
    const from = form.required('From');
    const parameters = form.object('Parameters') ?? {};
    form.done();
    const channel = await channelFor(to, from);
    // Studio's From is {{flow.channel.address}}; To the contact's address.
    const execution = await bot.startByRequest(req.params.sid, channel, parameters, from);
    res.status(201).json(executionView(req, execution));
  });
  router.get('/Flows/:sid/Executions', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    // Compared as instants, to the second (Twilio's dates are whole seconds): both bounds take
    // in the whole second they name, so an execution dated as its own bound is listed.
    const from = form.date('DateCreatedFrom');
    const to = form.date('DateCreatedTo');
    form.done();
    await getFlow(req.params.sid);
    const since = from === undefined ? -Infinity : Math.floor(from / 1000) * 1000;
    const until = to === undefined ? Infinity : Math.floor(to / 1000) * 1000 + 999;
    const all = (await store.executions.list({ flowSid: req.params.sid })).filter((e) => {
      const at = Date.parse(e.dateCreated);
      return at >= since && at <= until;
    });
    res.json(pageOf(req, 'executions', all, page, (e) => executionView(req, e)));
  });
  router.get('/Flows/:sid/Executions/:executionSid', async (req, res) => {
    res.json(executionView(req, await getExecution(req.params.sid, req.params.executionSid)));
  });
  router.post('/Flows/:sid/Executions/:executionSid', async (req, res) => {
    const execution = await getExecution(req.params.sid, req.params.executionSid);
    const form = Form.body(req);
    const status = form.required('Status');
    form.done();
    if (status !== 'ended')
      throw new ParleyError('invalid_request', 'body.Status: the only change is "ended"', 400);
    await bot.endForChannel(execution.channelSid, 'ended by request');
    res.json(executionView(req, await getExecution(req.params.sid, execution.sid)));
  });
  router.delete('/Flows/:sid/Executions/:executionSid', async (req, res) => {
    const execution = await getExecution(req.params.sid, req.params.executionSid);
    // A running one ends first, as Status=ended ends it: its timer goes, the bot leaves the chat.
    if (execution.status === 'active') await bot.endForChannel(execution.channelSid, 'deleted by request');
    await store.executions.delete(execution.sid);
    res.status(204).end();
  });
  router.get('/Flows/:sid/Executions/:executionSid/Context', async (req, res) => {
    const execution = await getExecution(req.params.sid, req.params.executionSid);
    res.json({
      account_sid: accountSidOf(req),
      context: execution.state.context,
      flow_sid: execution.flowSid,
      execution_sid: execution.sid,
      url: `${flowUrl(req, execution.flowSid)}/Executions/${execution.sid}/Context`,
    });
  });
  router.get('/Flows/:sid/Executions/:executionSid/Steps', async (req, res) => {
    const execution = await getExecution(req.params.sid, req.params.executionSid);
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const steps = transitions(execution);
    res.json(pageOf(req, 'steps', steps, page, (i) => stepOf(req, execution, i)));
  });
  router.get('/Flows/:sid/Executions/:executionSid/Steps/:stepSid', async (req, res) => {
    const execution = await getExecution(req.params.sid, req.params.executionSid);
    res.json(stepOf(req, execution, stepIndex(execution, req.params.stepSid)));
  });
  router.get('/Flows/:sid/Executions/:executionSid/Steps/:stepSid/Context', async (req, res) => {
    const execution = await getExecution(req.params.sid, req.params.executionSid);
    const i = stepIndex(execution, req.params.stepSid);
    res.json({
      account_sid: accountSidOf(req),
      context: stepContext(execution, i),
      execution_sid: execution.sid,
      flow_sid: execution.flowSid,
      step_sid: req.params.stepSid,
      url: `${stepsUrl(req, execution)}/${req.params.stepSid}/Context`,
    });
  });
  return router;
}

type StoredExecution = Execution;

const stepsUrl = (req: Request, execution: StoredExecution) =>
  `${flowUrl(req, execution.flowSid)}/Executions/${execution.sid}/Steps`;

const stepSidOf = (execution: StoredExecution, i: number) => fixedSid('FT', `${execution.sid}:${i}`);

/**
 * A Studio step is a transition: a widget left by an event. The log also notes each widget that
 * waits (on the visitor, or on a request it made) with no event yet; those are not steps.
 */
const transitions = (execution: StoredExecution) =>
  execution.state.log.flatMap((entry, i) => (entry.event === null ? [] : [i]));

function stepIndex(execution: StoredExecution, sid: string): number {
  const i = transitions(execution).find((n) => stepSidOf(execution, n) === sid);
  if (i === undefined) throw notFound('Step', sid);
  return i;
}

/**
 * A step's context is the widget's outputs as the execution holds them now (Parley keeps one
 * set of outputs per widget, so a widget run several times shows its latest run's).
 */
function stepContext(execution: StoredExecution, i: number) {
  const name = execution.state.log[i]?.state ?? '';
  const outputs = execution.state.context.widgets[name];
  return { widgets: outputs === undefined ? {} : { [name]: outputs } };
}

function stepOf(req: Request, execution: StoredExecution, i: number) {
  const step = execution.state.log[i] as StepLog;
  const url = `${stepsUrl(req, execution)}/${stepSidOf(execution, i)}`;
  // Executions stored before steps were timed answer their own dates instead.
  const at = step.at ?? (i === 0 ? execution.dateCreated : execution.dateUpdated);
  return {
    account_sid: accountSidOf(req),
    sid: stepSidOf(execution, i),
    flow_sid: execution.flowSid,
    execution_sid: execution.sid,
    parent_step_sid: null,
    name: step.event,
    type: step.type,
    transitioned_from: step.state,
    // The widget it went to is the next one the log notes; none when it ended the flow.
    transitioned_to: execution.state.log[i + 1]?.state ?? 'Ended',
    context: stepContext(execution, i),
    date_created: twilioDate(at),
    date_updated: twilioDate(at),
    url,
    links: { step_context: `${url}/Context` },
  };
}
