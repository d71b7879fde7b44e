/**
 * Chat with a bot flow without a server: `parley flows simulate FILE`. Visitor lines come
 * from a script or the terminal; each step is printed; HTTP widgets are really called;
 * `/timeout` fires a waiting widget's timeout. Uses the same engine as the server.
 */
import { createEgressPolicy, type EgressPolicy } from '../egress.ts';
import type { FlowDefinition } from './definition.ts';
import {
  type EngineEvent,
  type ExecutionState,
  newExecution,
  type SubflowDefinitions,
  step,
} from './engine.ts';
import { performRunFunction } from './functions.ts';
import { performHttpRequest } from './http-request.ts';
import type { Effect, InboundMessage } from './widgets/types.ts';

export interface SimulateOptions {
  name?: string;
  baseUrl?: string | null;
  print: (line: string) => void;
  /** Where HTTP widgets may go; default: public addresses and this machine. */
  egress?: EgressPolicy;
  /** The flows run-subflow states call (`FW…` → the latest revision). */
  subflows?: SubflowDefinitions;
  /** Local functions for run-function. */
  functionsDir?: string;
}

/** Runs the flow against `lines`; resolves with the final execution state. */
export async function simulate(
  definition: FlowDefinition,
  lines: AsyncIterable<string>,
  options: SimulateOptions,
) {
  const { print } = options;
  // The simulator runs on the flow author's machine, usually against a local Parley.
  const egress = options.egress ?? createEgressPolicy({ allowLoopback: true });
  const name = options.name ?? 'Visitor';
  const inbound = (Body: string): InboundMessage => ({
    Body,
    From: 'simulator',
    ChannelSid: 'CHsimulator',
    MessageSid: 'IMsimulator',
    ChannelAttributes: { from: name, channelType: 'web', channel_type: 'web' },
    ParticipantSid: 'MBsimulator',
    DateCreated: new Date().toISOString(),
  });
  let execution: ExecutionState = newExecution({
    trigger: {},
    widgets: {},
    flow: { variables: {}, channel: { address: 'simulator' }, flow_sid: 'FWsimulator' },
    contact: { identity: 'simulator', friendlyName: name, channel: { address: 'simulator' } },
  });
  let printed = 0;
  // The bot's messages get sids of their own, as stored messages do; a wait's message reaches
  // its widget with the reply or the timeout, as on the server.
  let botMessages = 0;
  let asked: { Sid: string } | undefined;

  async function advance(event: EngineEvent) {
    let next: EngineEvent | null =
      'kind' in event && event.kind !== 'effect' && asked ? { ...event, sent: asked } : event;
    asked = undefined;
    while (next) {
      const result = step(definition, execution, next, options.subflows);
      execution = result.execution;
      for (const entry of execution.log.slice(printed)) {
        if (entry.event)
          print(
            `  · ${entry.flowSid ? `${entry.flowSid} › ` : ''}${entry.state} (${entry.type}) → ${entry.event}${entry.error ? `  [${entry.error}]` : ''}`,
          );
      }
      printed = execution.log.length;
      next = await perform(result.effects);
    }
    if (execution.status === 'ended') print(`  · execution ended: ${execution.endReason}`);
    else if (execution.waiting) print(`  · waiting in ${execution.waiting.state}`);
  }

  async function perform(effects: Effect[]): Promise<EngineEvent | null> {
    if (effects.length === 0) return null;
    let outcome: { outcome: string; outputs?: Record<string, unknown> } = { outcome: 'sent' };
    for (const effect of effects) {
      switch (effect.type) {
        case 'sendMessage': {
          const replies = effect.attributes.quickReplies as string[] | undefined;
          print(`bot: ${effect.body}${replies ? `  [${replies.join(' | ')}]` : ''}`);
          botMessages += 1;
          asked = { Sid: `IMsimulator${botMessages}` };
          outcome = { outcome: 'sent', outputs: { Body: effect.body, ...asked } };
          break;
        }
        case 'httpRequest':
          print(`  · ${effect.method} ${effect.url}`);
          outcome = await performHttpRequest(effect, options.baseUrl ?? null, egress);
          print(`  · answered ${String(outcome.outputs?.status_code ?? outcome.outputs?.error)}`);
          break;
        case 'runFunction':
          print(`  · runs the function ${effect.functionSid ?? effect.url}`);
          outcome = await performRunFunction(effect, {
            egress,
            functionsDir: options.functionsDir,
            context: {},
          });
          break;
        case 'sendToFlex':
          // The server takes failedToEnqueue for a workflow it does not have; here none is known.
          print(
            `  · handed over to an agent${effect.workflow ? ` by workflow ${effect.workflow} (the server must have it)` : ''}, task attributes ${JSON.stringify(effect.attributes)}`,
          );
          outcome = { outcome: 'callComplete' };
          break;
        case 'scheduleTimeout':
          print(`  · waits up to ${effect.seconds} s for a reply (type /timeout to skip ahead)`);
          return null;
        case 'endChat':
          print('  · the chat is closed');
          outcome = { outcome: 'ended' };
          break;
      }
    }
    return { kind: 'effect', ...outcome };
  }

  let started = false;
  for await (const raw of lines) {
    const line = raw.trimEnd();
    if (!line) continue;
    if (execution.status === 'ended') break;
    if (line === '/timeout') {
      if (execution.waiting) await advance({ kind: 'timeout', waitId: execution.waiting.waitId });
      continue;
    }
    print(`${name}: ${line}`);
    if (!started) {
      started = true;
      await advance({ type: 'start', trigger: 'incomingMessage', message: inbound(line) });
    } else {
      await advance({ kind: 'message', inbound: inbound(line) });
    }
  }
  return execution;
}
