/** SQLite repository of bot flows' executions, each step of their log a row of its own. */

import type Database from 'better-sqlite3';
import type { Effect, ExecutionState, StepLog } from '../../studio-types.ts';
import { type Row, toExecution } from '../rows.ts';
import { storedSteps } from '../stored-steps.ts';
import type {
  Execution,
  ExecutionRepository,
  MemberMessage,
  NewTimer,
  PostOutcome,
  TimerKey,
} from '../types.ts';
import type { Deps } from './conversations.ts';
import type { GroupCommit } from './group-commit.ts';
import { messageWriter } from './messages.ts';

/**
 * The JSON of an execution's state, its step log left out (each step is a row of
 * execution_steps), as last written or read by this store. The runner saves the same state
 * object again once its effects are done, and a step starts from the state the last save
 * returned: neither needs it turned to text (or parsed) again. States are never changed in
 * place (the engine steps a copy), so a state object's text never goes stale.
 */
const stateText = new WeakMap<object, string>();
function textOf(state: ExecutionState) {
  let text = stateText.get(state);
  if (text === undefined) {
    text = JSON.stringify({ ...state, log: undefined });
    stateText.set(state, text);
  }
  return text;
}
const NO_EFFECTS = '[]';
const STEPS_PER_INSERT = 8;

/** An execution's step log, read with its row: the entries of execution_steps in order, as a JSON array. */
export const EXECUTION_LOG = `coalesce((SELECT '[' || group_concat(s.entry, ',' ORDER BY s.n) || ']'
  FROM execution_steps s WHERE s.execution_sid = executions.sid), '[]') AS log`;

export function executionRepository(deps: Deps, group: GroupCommit): ExecutionRepository {
  const { db, clock, newSid } = deps;
  const messages = messageWriter(deps);
  const steps = storedSteps();
  const byId = db.prepare(`SELECT *, ${EXECUTION_LOG} FROM executions WHERE sid = ?`);
  const removeEnded = db.transaction((sid: string) => {
    const ended = db.prepare("SELECT 1 FROM executions WHERE sid = ? AND status <> 'active'").get(sid);
    if (!ended) return false;
    db.prepare('DELETE FROM execution_steps WHERE execution_sid = ?').run(sid);
    return db.prepare('DELETE FROM executions WHERE sid = ?').run(sid).changes > 0;
  });
  const insert = db.prepare(
    `INSERT INTO executions (sid, flow_sid, flow_revision, channel_sid, contact_sid, status, state, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const active = db.prepare(
    `SELECT *, ${EXECUTION_LOG} FROM executions WHERE channel_sid = ? AND status = 'active'
     ORDER BY date_created DESC LIMIT 1`,
  );
  // A step adds an entry or two (more when widgets run on without waiting): one statement
  // inserts up to STEPS_PER_INSERT of them.
  const insertSteps = Array.from({ length: STEPS_PER_INSERT }, (_, i) =>
    db.prepare(
      `INSERT INTO execution_steps (execution_sid, n, entry) VALUES ${Array(i + 1)
        .fill('(?, ?, ?)')
        .join(', ')}
       ON CONFLICT DO NOTHING`,
    ),
  );
  /** Stores the entries of `log` from `from` on (in the caller's transaction). */
  const writeSteps = (sid: string, log: StepLog[], from: number) => {
    for (let start = from; start < log.length; start += STEPS_PER_INSERT) {
      const end = Math.min(log.length, start + STEPS_PER_INSERT);
      const values: unknown[] = [];
      for (let n = start; n < end; n++) values.push(sid, n, JSON.stringify(log[n]));
      (insertSteps[end - start - 1] as Database.Statement).run(values);
    }
  };
  // Everything but the state and effects, which the caller already holds.
  const update = db.prepare(
    `UPDATE executions SET state = ?, status = ?, pending_effects = ?, version = version + 1, date_updated = ?
     WHERE sid = ? AND version = ?
     RETURNING sid, flow_sid, flow_revision, channel_sid, contact_sid, status, version, date_created, date_updated`,
  );
  const setTimer = db.prepare(
    `INSERT INTO timers (kind, ref, due_at) VALUES (?, ?, ?)
     ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, claimed_at = NULL`,
  );
  const clearTimer = db.prepare('DELETE FROM timers WHERE kind = ? AND ref = ?');
  /** The timers a saved step changes: the one of the wait it left, and the one it now waits on. */
  const writeTimers = (timer: NewTimer | undefined, cleared: TimerKey | undefined) => {
    if (cleared) clearTimer.run(cleared.kind, cleared.ref);
    if (timer) setTimer.run(timer.kind, timer.ref, timer.dueAt);
  };
  const saveOnly = (sid: string, version: number, state: ExecutionState, pendingEffects: Effect[]) =>
    update.get(
      textOf(state),
      state.status,
      pendingEffects.length === 0 ? NO_EFFECTS : JSON.stringify(pendingEffects),
      clock().toISOString(),
      sid,
      version,
    );
  // One commit for the step, its new log entries and its timers: none of them written when the
  // row is not at `version`.
  const saveWithSteps = db.transaction(
    (
      sid: string,
      version: number,
      state: ExecutionState,
      pendingEffects: Effect[],
      timer: NewTimer | undefined,
      cleared: TimerKey | undefined,
      from: number,
    ) => {
      const row = saveOnly(sid, version, state, pendingEffects);
      if (!row) return row;
      writeSteps(sid, state.log, from);
      writeTimers(timer, cleared);
      return row;
    },
  ).immediate;
  const versionOf = db.prepare('SELECT version FROM executions WHERE sid = ?').pluck();
  /**
   * A unit of the group commit, so the reply shares its commit with the other messages of the
   * turn: the message is checked and the execution's version read (the transaction holds the
   * write lock, so it cannot change before the update), then the message written, the step
   * saved (its new log entries too) and its timers set and cleared. A refused message or a
   * stale version writes nothing.
   */
  const saveAndPost =
    (
      sid: string,
      version: number,
      state: ExecutionState,
      pendingEffects: Effect[],
      timer: NewTimer | undefined,
      cleared: TimerKey | undefined,
      message: MemberMessage,
      from: number,
    ) =>
    (): { row: Row | undefined; posted: PostOutcome | null } => {
      let row: Row | undefined;
      const posted = messages.post(message, () => {
        if (versionOf.get(sid) !== version) return null;
        return () => {
          row = saveOnly(sid, version, state, pendingEffects) as Row | undefined;
          if (!row) return;
          writeSteps(sid, state.log, from);
          writeTimers(timer, cleared);
        };
      });
      return { row, posted };
    };
  /** The execution as saved, from the row's columns and what the caller gave. */
  const saved = (row: Row, state: ExecutionState, pendingEffects: Effect[]): Execution => ({
    ...toExecution({ ...row, state: null, pending_effects: null }),
    state,
    pendingEffects,
  });
  /**
   * An execution row (with its log) with its state parsed once and remembered as that state's
   * text, and its log's entries as stored.
   */
  const read = (row: Row | undefined) => {
    if (!row) return null;
    const execution = toExecution(row);
    if (typeof row.state === 'string') stateText.set(execution.state, row.state);
    steps.mark(execution.state.log);
    return execution;
  };
  const create = db.transaction((input: Parameters<ExecutionRepository['create']>[0]) => {
    const at = clock().toISOString();
    const row = insert.get(
      newSid('FN'),
      input.flowSid,
      input.flowRevision,
      input.channelSid,
      input.contactSid,
      input.state.status,
      textOf(input.state),
      at,
      at,
    ) as Row;
    writeSteps(row.sid, input.state.log, 0);
    return row;
  }).immediate;
  return {
    async create(input) {
      return read({ ...create(input), log: input.state.log.slice() }) as Execution;
    },
    async get(sid) {
      return read(byId.get(sid) as Row | undefined);
    },
    async list(filter) {
      const rows = db
        .prepare(
          // The 500 chosen first, then their logs: not a log for every execution looked at.
          `SELECT *, ${EXECUTION_LOG} FROM (
             SELECT *, rowid AS row_order FROM executions
             WHERE (@flow IS NULL OR flow_sid = @flow) AND (@channel IS NULL OR channel_sid = @channel)
             ORDER BY date_created DESC, rowid DESC LIMIT 500
           ) AS executions
           ORDER BY date_created DESC, row_order DESC`,
        )
        .all({ flow: filter.flowSid ?? null, channel: filter.channelSid ?? null }) as Row[];
      return rows.map((row) => read(row) as Execution);
    },
    async findActive(channelSid) {
      return read(active.get(channelSid) as Row | undefined);
    },
    async listWithPendingEffects() {
      const rows = db
        .prepare(`SELECT *, ${EXECUTION_LOG} FROM executions WHERE pending_effects != '[]'`)
        .all() as Row[];
      return rows.map((row) => read(row) as Execution);
    },
    async delete(sid) {
      return removeEnded.immediate(sid);
    },
    async save(sid, version, state, pendingEffects, timer, cleared) {
      const from = steps.from(state.log);
      // A save with no new entry and no timer is one statement, its own transaction.
      const row = (
        timer || cleared || from < state.log.length
          ? saveWithSteps(sid, version, state, pendingEffects, timer, cleared, from)
          : saveOnly(sid, version, state, pendingEffects)
      ) as Row | undefined;
      if (!row) return null;
      steps.mark(state.log, from);
      return saved(row, state, pendingEffects);
    },
    async saveAndPost(sid, version, state, pendingEffects, timer, message, cleared) {
      const from = steps.from(state.log);
      const { row, posted } = await group.run(
        saveAndPost(sid, version, state, pendingEffects, timer, cleared, message, from),
      );
      if (row) steps.mark(state.log, from);
      if (!posted) return null;
      return { execution: row ? saved(row, state, pendingEffects) : null, posted };
    },
  };
}
