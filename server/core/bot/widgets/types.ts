/** What a widget is to the engine: its properties, its events, and how it runs. */
import type { Effect, StateDefinition } from '../../../studio-types.ts';
import type { TemplateScope } from '../templates.ts';

export interface InboundMessage {
  Body: string;
  From: string;
  /** The address the customer wrote to: the Flex Flow's contact identity. */
  To?: string;
  ChannelSid: string;
  MessageSid: string;
  /** With Flex's names (`from`, `channel_type`, `pre_engagement_data`, `initial_question`) and Parley's camelCase ones. */
  ChannelAttributes: Record<string, unknown>;
  /** The message's own attributes. */
  Attributes?: Record<string, unknown>;
  ParticipantSid?: string;
  /** When it was stored (ISO 8601). */
  DateCreated?: string;
}

export type { Effect };

export type WidgetResult =
  /** Go on at once along the transition for `event` (or straight to `next`). */
  | { event: string; next?: string; outputs?: Record<string, unknown> }
  /** Ask the runner for the effects and pause until `resume` gets their outcome. */
  | { effects: Effect[]; outputs?: Record<string, unknown> }
  /** Run another flow inside this execution; the engine comes back on `completed` or `failed`. */
  | { subflow: SubflowCall };

export interface SubflowCall {
  flowSid: string;
  /** A revision number, or null for the latest one. */
  revision: number | null;
  /** The subflow's `flow.data`. */
  parameters: Record<string, unknown>;
}

/** The message a widget waiting for the visitor's reply asked with, as stored. */
export interface SentMessage {
  Sid: string;
}

/**
 * `sent` is the waiting widget's own message, when the runner found it stored: the wait's
 * message is posted after its step is saved, so its sid reaches the widget with what ends the
 * wait.
 */
export type ResumeInput =
  | { kind: 'effect'; outcome: string; outputs?: Record<string, unknown> }
  | { kind: 'message'; inbound: InboundMessage; sent?: SentMessage }
  | { kind: 'timeout'; waitId: string; sent?: SentMessage };

export interface WidgetContext {
  scope: TemplateScope;
  state: StateDefinition;
  /** Unique per step of the execution: marks which wait a timeout belongs to. */
  waitId: string;
}

export interface Widget {
  type: string;
  /** Properties a state of this type must have (which may depend on the others it has). */
  required: string[] | ((properties: Record<string, unknown>) => string[]);
  /** Transition events it may emit, Studio's names. */
  events: string[];
  /** Extra checks of its properties, as messages that say how to fix them. */
  check?(properties: Record<string, unknown>): string[];
  /** What runs but not as it does on Twilio, as messages that say what happens instead. */
  warn?(properties: Record<string, unknown>): string[];
  enter(properties: Record<string, unknown>, context: WidgetContext): WidgetResult;
  /** While paused: the outcome of its effects, a message, a timeout. Null ignores the input. */
  resume?(
    properties: Record<string, unknown>,
    context: WidgetContext,
    input: ResumeInput,
  ): WidgetResult | null;
}
