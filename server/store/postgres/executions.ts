/** PostgreSQL repository of bot flows' executions, each step of their log a row of its own. */
import type { ExecutionState, StepLog } from '../../studio-types.ts';
import { type Row, toExecution, toMessage } from '../rows.ts';
import { storedSteps } from '../stored-steps.ts';
import type { Execution, ExecutionRepository } from '../types.ts';
import { all, type Deps, one } from './db.ts';
import { MEMBER_CONTEXT, memberMessage } from './messages.ts';
import { taskOpen } from './post-batch.ts';

/** An execution's step log, read with its row: the entries of execution_steps in order. */
export const EXECUTION_LOG = `(SELECT coalesce(jsonb_agg(s.entry ORDER BY s.n), '[]'::jsonb)
  FROM execution_steps s WHERE s.execution_sid = executions.sid) AS log`;

/**
 * The entries of a log from index `from` on (the JSON array `entries`) stored for the execution
 * `saved` returns: only when its update found the row at its version.
 */
const insertSteps = (from: string, entries: string) => `steps AS (
    INSERT INTO execution_steps (execution_sid, n, entry)
    SELECT saved.sid, ${from}::int + e.ord::int - 1, e.entry
    FROM saved, jsonb_array_elements(${entries}::jsonb) WITH ORDINALITY AS e(entry, ord)
    ON CONFLICT DO NOTHING
  )`;

/** The timer of the wait a step left (kind and ref, or nulls), removed when `saved` returns the row. */
const clearTimer = (kind: string, ref: string) => `cleared AS (
    DELETE FROM timers WHERE kind = ${kind}::text AND ref = ${ref}::text AND EXISTS (SELECT 1 FROM saved)
  )`;

/** The state as stored: its log is in execution_steps. */
const stateJson = (state: ExecutionState) => JSON.stringify({ ...state, log: undefined });

/**
 * A step saved and the message it sends posted, in one statement (as messages.post's, see
 * conversations.ts): the step is written only when the channel is active and the author its
 * member, and the message only when the step was written (at its version). The channel's
 * status is checked again on its locked row; the execution's row is locked first, as a
 * channel's deletion does.
 */
const SAVE_AND_POST = `
  WITH ${MEMBER_CONTEXT}, saved AS (
    UPDATE executions SET state = $8::jsonb, status = $9::text, pending_effects = $10::jsonb,
      version = version + 1, date_updated = $7::text
    WHERE sid = $11::text AND version = $12::int
      AND EXISTS (SELECT 1 FROM context WHERE context.status = 'active' AND context.role IS NOT NULL)
    RETURNING sid, flow_sid, flow_revision, channel_sid, contact_sid, status, version, date_created, date_updated
  ), timer AS (
    INSERT INTO timers (kind, ref, due_at) SELECT $13::text, $14::text, $15::text FROM saved
    WHERE $13::text IS NOT NULL
    ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, claimed_at = NULL
  ), ${clearTimer('$18', '$19')}, ${insertSteps('$16', '$17')}, ${memberMessage('AND EXISTS (SELECT 1 FROM saved) ')}
  SELECT context.status AS channel_status, context.role AS member_role, context.task_status,
    (SELECT row_to_json(saved) FROM saved) AS saved_execution, stored.*
  FROM context LEFT JOIN stored ON true`;

const SAVED = `UPDATE executions SET state = $1, status = $2, pending_effects = $3, version = version + 1, date_updated = $4
  WHERE sid = $5 AND version = $6
  RETURNING sid, flow_sid, flow_revision, channel_sid, contact_sid, status, version, date_created, date_updated`;
/** The timer the step now waits on set, the one of the wait it left cleared (nulls for none). */
const SAVE_TIMERS = `timer AS (
    INSERT INTO timers (kind, ref, due_at) SELECT $7::text, $8::text, $9::text FROM saved
    WHERE $7::text IS NOT NULL
    ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, claimed_at = NULL
  ), ${clearTimer('$10', '$11')}`;
/** A save's statement: the update alone, or with its timers, or with its timers and new log entries. */
const SAVE = {
  plain: { name: 'parley_execution_save', text: SAVED },
  timers: {
    name: 'parley_execution_save_timers',
    text: `WITH saved AS (${SAVED}), ${SAVE_TIMERS} SELECT * FROM saved`,
  },
  timersSteps: {
    name: 'parley_execution_save_timers_steps',
    text: `WITH saved AS (${SAVED}), ${SAVE_TIMERS}, ${insertSteps('$12', '$13')} SELECT * FROM saved`,
  },
};

export function executionRepository(deps: Deps): ExecutionRepository {
  const { pool, newSid } = deps;
  const steps = storedSteps();
  /** An execution row with its log, the log's entries known as stored. */
  const read = (row: Row) => {
    const execution = toExecution(row);
    steps.mark(execution.state.log);
    return execution;
  };
  /** The entries of `log` from `from` on, as a JSON array. */
  const entriesOf = (log: StepLog[], from: number) =>
    from === log.length ? '[]' : JSON.stringify(from === 0 ? log : log.slice(from));
  return {
    async create(input) {
      const at = deps.clock().toISOString();
      const log = input.state.log;
      // The execution and its log (when it starts with one) in one statement.
      const row = await one(
        pool,
        `WITH saved AS (
           INSERT INTO executions (sid, flow_sid, flow_revision, channel_sid, contact_sid, status, state, date_created, date_updated)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *
         ), ${insertSteps('0', '$9')}
         SELECT * FROM saved`,
        [
          newSid('FN'),
          input.flowSid,
          input.flowRevision,
          input.channelSid,
          input.contactSid,
          input.state.status,
          stateJson(input.state),
          at,
          entriesOf(log, 0),
        ],
      );
      return read({ ...(row as Row), log: log.slice() });
    },
    async get(sid) {
      const row = await one(pool, `SELECT *, ${EXECUTION_LOG} FROM executions WHERE sid = $1`, [sid]);
      return row ? read(row) : null;
    },
    async list(filter) {
      const rows = await all(
        pool,
        `SELECT *, ${EXECUTION_LOG} FROM executions
         WHERE ($1::text IS NULL OR flow_sid = $1) AND ($2::text IS NULL OR channel_sid = $2)
         ORDER BY date_created DESC, seq DESC LIMIT 500`,
        [filter.flowSid ?? null, filter.channelSid ?? null],
      );
      return rows.map(read);
    },
    async findActive(channelSid) {
      // Named: planned once per connection, not on every visitor message of a bot-held chat.
      const { rows } = await pool.query({
        name: 'parley_execution_active',
        text: `SELECT *, ${EXECUTION_LOG} FROM executions WHERE channel_sid = $1 AND status = 'active'
          ORDER BY date_created DESC, seq DESC LIMIT 1`,
        values: [channelSid],
      });
      return rows[0] ? read(rows[0]) : null;
    },
    async listWithPendingEffects() {
      return (
        await all(pool, `SELECT *, ${EXECUTION_LOG} FROM executions WHERE pending_effects != '[]'::jsonb`)
      ).map(read);
    },
    async delete(sid) {
      // Its steps go with it (ON DELETE CASCADE).
      const { rowCount } = await pool.query("DELETE FROM executions WHERE sid = $1 AND status <> 'active'", [
        sid,
      ]);
      return (rowCount ?? 0) > 0;
    },
    async save(sid, version, state, pendingEffects, timer, cleared) {
      // The state and effects come back as the caller gave them, not parsed again from the row.
      // Its timers and the log's new entries are written by the same statement, only when the
      // update found the row at `version`.
      const from = steps.from(state.log);
      const values: unknown[] = [
        stateJson(state),
        state.status,
        JSON.stringify(pendingEffects),
        deps.clock().toISOString(),
        sid,
        version,
      ];
      const added = from < state.log.length;
      const plain = !added && !timer && !cleared;
      if (!plain) {
        values.push(timer?.kind ?? null, timer?.ref ?? null, timer?.dueAt ?? null);
        values.push(cleared?.kind ?? null, cleared?.ref ?? null);
      }
      if (added) values.push(from, entriesOf(state.log, from));
      const statement = plain ? SAVE.plain : added ? SAVE.timersSteps : SAVE.timers;
      const { rows } = await pool.query({ ...statement, values });
      const row = rows[0];
      if (!row) return null;
      steps.mark(state.log, from);
      return saved(row, state, pendingEffects);
    },
    async saveAndPost(sid, version, state, pendingEffects, timer, message, cleared) {
      const from = steps.from(state.log);
      const at = deps.clock().toISOString();
      const values = [
        newSid('IM'),
        message.channelSid,
        message.from,
        message.body,
        JSON.stringify(message.attributes ?? {}),
        message.clientId ?? null,
        at,
        stateJson(state),
        state.status,
        JSON.stringify(pendingEffects),
        sid,
        version,
        timer?.kind ?? null,
        timer?.ref ?? null,
        timer?.dueAt ?? null,
        from,
        entriesOf(state.log, from),
        cleared?.kind ?? null,
        cleared?.ref ?? null,
      ];
      let row: Row | undefined;
      try {
        row = (await pool.query({ name: 'parley_execution_save_and_post', text: SAVE_AND_POST, values }))
          .rows[0];
      } catch (err) {
        // Two posts of one clientId raced (the loser rolled back whole, its step too): the
        // caller saves and posts apart, and finds the original.
        if ((err as { code?: string }).code === '23505') return refused('inactive');
        throw err;
      }
      if (!row) return refused('no_channel');
      if (!row.member_role) return refused('not_a_member');
      const { channel_status, member_role: _role, task_status, saved_execution, created, ...stored } = row;
      const execution = saved_execution ? saved(saved_execution, state, pendingEffects) : null;
      if (execution) steps.mark(state.log, from);
      if (!stored.sid) {
        // Admitted yet not saved: the row was not at `version`.
        if (!execution && channel_status === 'active') return null;
        return { execution, posted: { status: 'inactive' } };
      }
      const engaged = taskOpen(task_status);
      return {
        execution,
        posted: { status: 'stored', message: toMessage(stored), created: created === true, engaged },
      };
    },
  };
}

/** The execution as saved, from the row's columns and what the caller gave. */
function saved(row: Row, state: ExecutionState, pendingEffects: Execution['pendingEffects']): Execution {
  return { ...toExecution({ ...row, state: null, pending_effects: null }), state, pendingEffects };
}

function refused(status: 'no_channel' | 'not_a_member' | 'inactive') {
  return { execution: null, posted: { status } };
}
