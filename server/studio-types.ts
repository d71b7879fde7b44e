/**
 * Bot flows and their executions as data: a Studio flow's JSON (states, transitions,
 * conditions), an execution's state and the effects it waits on. The bot engine (core/bot)
 * reads and writes these; the store keeps them as they are. Types and constants only, below
 * both, so the store knows nothing of the engine.
 */

export interface Transition {
  event: string;
  /** A transition without `next` ends the execution. */
  next?: string;
  /** On `match` transitions of split-based-on. */
  conditions?: Condition[];
}

export interface Condition {
  friendly_name?: string;
  arguments?: string[];
  type: ConditionType;
  value?: string;
}

export const CONDITION_TYPES = [
  'equal_to',
  'not_equal_to',
  'matches_any_of',
  'does_not_match_any_of',
  'contains',
  'does_not_contain',
  'starts_with',
  'does_not_start_with',
  'is_blank',
  'is_not_blank',
  'regex',
  'less_than',
  'greater_than',
  'is_before_time',
  'is_after_time',
  'is_before_date',
  'is_after_date',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface StateDefinition {
  name: string;
  type: string;
  properties: Record<string, unknown>;
  transitions: Transition[];
}

export interface FlowDefinition {
  description?: string;
  initial_state: string;
  flags?: Record<string, unknown>;
  states: StateDefinition[];
}

export interface ExecutionContext {
  trigger: Record<string, unknown>;
  widgets: Record<string, Record<string, unknown>>;
  flow: {
    variables: Record<string, unknown>;
    channel: { address: string };
    flow_sid: string;
    /** A REST-started execution's `Parameters`, as Studio's `{{flow.data}}`. */
    data?: Record<string, unknown>;
    /** The execution (FN…), as Studio's `flow.sid`. */
    sid?: string;
  };
  contact: Record<string, unknown>;
}

export interface StepLog {
  state: string;
  type: string;
  /** The event it left by; null while it waits. */
  event: string | null;
  error?: string;
  /** Set on the steps of a subflow: the flow they belong to. */
  flowSid?: string;
  /** When the step was taken (ISO 8601); absent on executions stored before steps were timed. */
  at?: string;
}

/** A subflow being run: where it returns to, and the parent's context to restore then. */
export interface SubflowFrame {
  /** The parent's run-subflow state. */
  state: string;
  flowSid: string;
  revision: number;
  parent: ExecutionContext;
}

export interface ExecutionState {
  status: 'active' | 'ended';
  /**
   * The widget waiting, if any; `timed` when its wait set a timeout timer (absent in states
   * saved before it was recorded: such a wait may have one).
   */
  waiting: { state: string; waitId: string; timed?: boolean } | null;
  context: ExecutionContext;
  steps: number;
  lastState: string | null;
  repeats: number;
  log: StepLog[];
  endReason: string | null;
  /** While a subflow runs: the frame it returns through. */
  subflow?: SubflowFrame | null;
}

/** Work the runner does for the engine; its outcome comes back as a resume input. */
export type Effect =
  | { type: 'sendMessage'; body: string; mediaUrl?: string; attributes: Record<string, unknown> }
  | {
      type: 'httpRequest';
      method: string;
      url: string;
      contentType: string;
      body?: string;
      parameters?: Record<string, string>;
    }
  | {
      type: 'sendToFlex';
      workflow?: string;
      channel?: string;
      attributes: Record<string, unknown>;
      priority: number;
      timeout: number;
    }
  | { type: 'runFunction'; url?: string; functionSid?: string; parameters: Record<string, string> }
  | { type: 'scheduleTimeout'; seconds: number; waitId: string }
  | { type: 'endChat' };
