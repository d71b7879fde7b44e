/**
 * Versioned schema of the PostgreSQL store: the same tables and columns as the SQLite store
 * (so records map the same way), with jsonb for JSON and booleans as booleans. Migrations run
 * under an advisory lock, so nodes starting together migrate once.
 */
import type pg from 'pg';

const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE contacts (
        sid TEXT PRIMARY KEY, identity TEXT NOT NULL UNIQUE, friendly_name TEXT NOT NULL, address TEXT,
        attributes JSONB NOT NULL DEFAULT '{}', date_created TEXT NOT NULL
      );
      CREATE TABLE flex_flows (
        sid TEXT PRIMARY KEY, friendly_name TEXT NOT NULL, channel_type TEXT NOT NULL, contact_identity TEXT NOT NULL,
        enabled BOOLEAN NOT NULL, integration_type TEXT NOT NULL, integration JSONB NOT NULL DEFAULT '{}',
        long_lived BOOLEAN NOT NULL DEFAULT false, janitor_enabled BOOLEAN NOT NULL DEFAULT true,
        allowed_origins JSONB NOT NULL DEFAULT '[]', widget_config JSONB NOT NULL DEFAULT '{}',
        date_created TEXT NOT NULL, date_updated TEXT NOT NULL
      );
      CREATE TABLE channels (
        sid TEXT PRIMARY KEY, flex_flow_sid TEXT NOT NULL, contact_sid TEXT NOT NULL REFERENCES contacts(sid),
        friendly_name TEXT NOT NULL, status TEXT NOT NULL, attributes JSONB NOT NULL DEFAULT '{}', task_sid TEXT,
        last_message_index INTEGER NOT NULL DEFAULT -1, date_created TEXT NOT NULL, date_updated TEXT NOT NULL
      );
      CREATE INDEX channels_by_contact ON channels (contact_sid, flex_flow_sid, status);
      CREATE TABLE members (
        sid TEXT PRIMARY KEY, channel_sid TEXT NOT NULL REFERENCES channels(sid), identity TEXT NOT NULL,
        role TEXT NOT NULL, friendly_name TEXT NOT NULL, last_read_index INTEGER NOT NULL DEFAULT -1,
        date_created TEXT NOT NULL, seq BIGSERIAL, UNIQUE (channel_sid, identity)
      );
      CREATE TABLE messages (
        sid TEXT PRIMARY KEY, channel_sid TEXT NOT NULL REFERENCES channels(sid), idx INTEGER NOT NULL,
        from_identity TEXT NOT NULL, author_role TEXT NOT NULL, author_name TEXT NOT NULL, body TEXT NOT NULL,
        attributes JSONB NOT NULL DEFAULT '{}', client_id TEXT, date_created TEXT NOT NULL,
        UNIQUE (channel_sid, idx), UNIQUE (channel_sid, client_id)
      );
      CREATE TABLE workers (
        sid TEXT PRIMARY KEY, friendly_name TEXT NOT NULL, username TEXT UNIQUE, password_hash TEXT,
        activity TEXT NOT NULL, capacity INTEGER NOT NULL, attributes JSONB NOT NULL DEFAULT '{}',
        last_assigned_at TEXT NOT NULL, date_created TEXT NOT NULL, date_updated TEXT NOT NULL, seq BIGSERIAL
      );
      CREATE TABLE task_queues (
        sid TEXT PRIMARY KEY, friendly_name TEXT NOT NULL, target_workers TEXT NOT NULL, date_created TEXT NOT NULL,
        seq BIGSERIAL
      );
      CREATE TABLE tasks (
        sid TEXT PRIMARY KEY, channel_sid TEXT NOT NULL REFERENCES channels(sid), queue_sid TEXT NOT NULL,
        worker_sid TEXT, status TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0, attributes JSONB NOT NULL DEFAULT '{}',
        date_created TEXT NOT NULL, date_updated TEXT NOT NULL, seq BIGSERIAL
      );
      CREATE INDEX tasks_by_status ON tasks (status, priority DESC, date_created);
      CREATE INDEX tasks_by_worker ON tasks (worker_sid, status);
      CREATE INDEX tasks_by_channel ON tasks (channel_sid, status);
      CREATE TABLE reservations (
        sid TEXT PRIMARY KEY, task_sid TEXT NOT NULL REFERENCES tasks(sid), worker_sid TEXT NOT NULL REFERENCES workers(sid),
        status TEXT NOT NULL, expires_at TEXT NOT NULL, date_created TEXT NOT NULL, seq BIGSERIAL
      );
      CREATE INDEX reservations_by_task ON reservations (task_sid);
      CREATE INDEX reservations_by_worker ON reservations (worker_sid, status);
      CREATE TABLE timers (
        id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL, due_at TEXT NOT NULL, claimed_at TEXT,
        UNIQUE (kind, ref)
      );
      CREATE INDEX timers_by_due ON timers (due_at);
      CREATE TABLE flows (
        sid TEXT PRIMARY KEY, friendly_name TEXT NOT NULL, revision INTEGER NOT NULL,
        date_created TEXT NOT NULL, date_updated TEXT NOT NULL, seq BIGSERIAL
      );
      CREATE TABLE flow_revisions (
        flow_sid TEXT NOT NULL REFERENCES flows(sid) ON DELETE CASCADE, revision INTEGER NOT NULL,
        definition JSONB NOT NULL, date_created TEXT NOT NULL, PRIMARY KEY (flow_sid, revision)
      );
      CREATE TABLE executions (
        sid TEXT PRIMARY KEY, flow_sid TEXT NOT NULL, flow_revision INTEGER NOT NULL,
        channel_sid TEXT NOT NULL REFERENCES channels(sid), contact_sid TEXT NOT NULL, status TEXT NOT NULL,
        state JSONB NOT NULL, pending_effects JSONB NOT NULL DEFAULT '[]', version INTEGER NOT NULL DEFAULT 0,
        date_created TEXT NOT NULL, date_updated TEXT NOT NULL, seq BIGSERIAL
      );
      CREATE INDEX executions_by_channel ON executions (channel_sid, status);
      CREATE INDEX executions_by_flow ON executions (flow_sid, date_created);
      CREATE TABLE claims (key TEXT PRIMARY KEY, date_created TEXT NOT NULL);
    `,
  },
  {
    // Routing at contact-center depth: workflows, tasks that know their target, TTL and reason.
    version: 4,
    sql: `
      CREATE TABLE workflows (
        sid TEXT PRIMARY KEY, friendly_name TEXT NOT NULL, configuration JSONB NOT NULL,
        task_reservation_timeout INTEGER NOT NULL, reservation_timeout_activity TEXT,
        date_created TEXT NOT NULL, date_updated TEXT NOT NULL, seq BIGSERIAL
      );
      ALTER TABLE task_queues ADD COLUMN date_updated TEXT;
      UPDATE task_queues SET date_updated = date_created;
      ALTER TABLE tasks ADD COLUMN workflow_sid TEXT, ADD COLUMN filter_name TEXT,
        ADD COLUMN target_index INTEGER NOT NULL DEFAULT 0, ADD COLUMN target_expression TEXT,
        ADD COLUMN target_worker_sid TEXT, ADD COLUMN timeout INTEGER NOT NULL DEFAULT 86400,
        ADD COLUMN reason TEXT, ADD COLUMN date_assigned TEXT;
      CREATE INDEX tasks_by_queue ON tasks (queue_sid, status);
    `,
  },
  {
    // SMS / WhatsApp-style channels: the connector replies go out through, and proxy sessions.
    version: 5,
    sql: `
      ALTER TABLE flex_flows ADD COLUMN messaging_connector JSONB;
      CREATE TABLE proxy_sessions (
        sid TEXT PRIMARY KEY, flex_flow_sid TEXT NOT NULL, channel_sid TEXT NOT NULL, identity TEXT NOT NULL,
        address TEXT NOT NULL, proxy_address TEXT NOT NULL, status TEXT NOT NULL,
        date_created TEXT NOT NULL, date_updated TEXT NOT NULL, date_closed TEXT, seq BIGSERIAL
      );
      CREATE UNIQUE INDEX proxy_sessions_open ON proxy_sessions (address, proxy_address) WHERE status = 'open';
      CREATE INDEX proxy_sessions_by_channel ON proxy_sessions (channel_sid);
    `,
  },
  {
    // Media records (which channel a file belongs to, its name, sniffed type and size) and the
    // files' bytes in 256 KiB chunks, so every node on the database serves every file.
    version: 10,
    sql: `
      CREATE TABLE media (
        sid TEXT PRIMARY KEY, channel_sid TEXT NOT NULL, filename TEXT NOT NULL, content_type TEXT NOT NULL,
        size BIGINT NOT NULL, uploaded_by TEXT NOT NULL, date_created TEXT NOT NULL, seq BIGSERIAL
      );
      CREATE INDEX media_by_channel ON media (channel_sid);
      CREATE TABLE file_chunks (key TEXT NOT NULL, seq INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (key, seq));
    `,
  },
  {
    // Revocable agents: a disabled flag, a session version that signed tokens must match, and
    // failed sign-ins per username (known or not) for the per-account backoff.
    version: 20,
    sql: `
      ALTER TABLE workers ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT false,
        ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE sign_in_attempts (
        username TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until TEXT, last_attempt_at TEXT NOT NULL
      );
      CREATE INDEX sign_in_attempts_by_age ON sign_in_attempts (last_attempt_at);
    `,
  },
  {
    // Verified users are scoped to the Flex Flow that vouches for them: a legacy contact
    // `user:<userId>` becomes `user:<flexFlowSid>:<userId>`, one contact per Flex Flow it has
    // channels on (the first keeps its sid, the others are copies that take their channels),
    // and the channels' members and messages follow the new identity. A legacy user contact
    // with no channel is left as it was: nothing resumes it, retention removes it.
    version: 30,
    sql: `
      CREATE TEMP TABLE contact_scopes ON COMMIT DROP AS
        SELECT DISTINCT c.sid AS old_sid, ch.flex_flow_sid AS flex_flow_sid, c.identity AS old_identity,
          'user:' || ch.flex_flow_sid || ':' || substr(c.identity, 6) AS new_identity, c.sid AS new_sid
        FROM contacts c JOIN channels ch ON ch.contact_sid = c.sid
        WHERE c.identity LIKE 'user:%';
      UPDATE contact_scopes SET new_sid = 'US' || md5(random()::text || clock_timestamp()::text || flex_flow_sid)
        WHERE flex_flow_sid <> (SELECT min(s.flex_flow_sid) FROM contact_scopes s WHERE s.old_sid = contact_scopes.old_sid);
      INSERT INTO contacts (sid, identity, friendly_name, address, attributes, date_created)
        SELECT s.new_sid, s.new_identity, c.friendly_name, c.address, c.attributes, c.date_created
        FROM contact_scopes s JOIN contacts c ON c.sid = s.old_sid WHERE s.new_sid <> s.old_sid;
      UPDATE members m SET identity = s.new_identity
        FROM channels ch JOIN contact_scopes s ON s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid
        WHERE ch.sid = m.channel_sid AND m.identity = s.old_identity;
      UPDATE messages m SET from_identity = s.new_identity
        FROM channels ch JOIN contact_scopes s ON s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid
        WHERE ch.sid = m.channel_sid AND m.from_identity = s.old_identity;
      UPDATE channels ch SET contact_sid = s.new_sid
        FROM contact_scopes s WHERE s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid;
      UPDATE executions e SET contact_sid = ch.contact_sid
        FROM channels ch WHERE ch.sid = e.channel_sid AND e.contact_sid IN (SELECT old_sid FROM contact_scopes);
      UPDATE contacts c SET identity = s.new_identity
        FROM contact_scopes s WHERE s.new_sid = c.sid AND s.new_sid = s.old_sid;
    `,
  },
  {
    // Canned responses (versions 90–99 belong to the agent desk): shared ones have owner ''.
    version: 90,
    sql: `
      CREATE TABLE canned_responses (
        sid TEXT PRIMARY KEY,
        owner_sid TEXT NOT NULL,
        shortcut TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL,
        UNIQUE (owner_sid, shortcut)
      );
    `,
  },
  {
    // The admin audit log (versions 100–109 belong to the admin console).
    version: 100,
    sql: `
      CREATE TABLE audit_events (
        seq BIGSERIAL PRIMARY KEY,
        sid TEXT NOT NULL UNIQUE,
        actor_kind TEXT NOT NULL,
        actor_worker_sid TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_sid TEXT,
        request TEXT NOT NULL,
        before_json jsonb,
        after_json jsonb,
        date_created TEXT NOT NULL
      );
      CREATE INDEX audit_events_by_resource ON audit_events (resource_sid, seq);
      CREATE INDEX audit_events_by_worker ON audit_events (actor_worker_sid, seq);
    `,
  },
  {
    // Ratings after a chat (versions 110–119 belong to ratings and returning visitors).
    version: 110,
    sql: `
      CREATE TABLE ratings (
        sid TEXT PRIMARY KEY,
        task_sid TEXT NOT NULL UNIQUE,
        channel_sid TEXT NOT NULL,
        flex_flow_sid TEXT NOT NULL,
        contact_sid TEXT NOT NULL,
        worker_sid TEXT,
        score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
        comment TEXT,
        date_created TEXT NOT NULL
      );
      CREATE INDEX ratings_by_worker ON ratings (worker_sid, date_created);
      CREATE INDEX ratings_by_flex_flow ON ratings (flex_flow_sid, date_created);
    `,
  },
  {
    // Task and worker events behind supervisors' figures (versions 120–129 belong to figures).
    version: 120,
    sql: `
      CREATE TABLE task_events (
        seq BIGSERIAL PRIMARY KEY,
        task_sid TEXT NOT NULL,
        kind TEXT NOT NULL,
        queue_sid TEXT NOT NULL,
        worker_sid TEXT,
        channel_type TEXT NOT NULL,
        details TEXT NOT NULL,
        date_created TEXT NOT NULL
      );
      CREATE INDEX task_events_by_time ON task_events (date_created);
      CREATE INDEX task_events_by_task ON task_events (task_sid, date_created);
      CREATE INDEX task_events_by_kind ON task_events (kind, date_created);
      CREATE INDEX task_events_by_queue ON task_events (queue_sid);
      CREATE TABLE worker_events (
        seq BIGSERIAL PRIMARY KEY,
        worker_sid TEXT NOT NULL,
        activity TEXT NOT NULL,
        previous_activity TEXT,
        date_created TEXT NOT NULL
      );
      CREATE INDEX worker_events_by_time ON worker_events (date_created);
      CREATE INDEX worker_events_by_worker ON worker_events (worker_sid, date_created);
    `,
  },
  {
    // Whispers: staff-only notes on a chat, kept apart from messages (versions 140–149).
    version: 140,
    sql: `
      CREATE TABLE whispers (
        seq BIGSERIAL PRIMARY KEY,
        sid TEXT NOT NULL UNIQUE,
        channel_sid TEXT NOT NULL REFERENCES channels(sid) ON DELETE CASCADE,
        worker_sid TEXT NOT NULL,
        author_name TEXT NOT NULL,
        body TEXT NOT NULL,
        date_created TEXT NOT NULL
      );
      CREATE INDEX whispers_by_channel ON whispers (channel_sid, date_created);
    `,
  },
  {
    // API keys (versions 101–104 belong to API keys): only the secret's SHA-256 digest is kept.
    version: 101,
    sql: `
      CREATE TABLE api_keys (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        date_created TEXT NOT NULL,
        date_last_used TEXT
      );
    `,
  },
  {
    // Managed webhooks and their deliveries (versions 105–109 belong to webhooks and settings).
    version: 105,
    sql: `
      CREATE TABLE webhooks (
        sid TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE TABLE webhook_deliveries (
        seq BIGSERIAL PRIMARY KEY,
        sid TEXT NOT NULL UNIQUE,
        webhook_sid TEXT NOT NULL,
        event TEXT NOT NULL,
        event_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        payload_size INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        status_code INTEGER,
        error TEXT,
        delivered BOOLEAN NOT NULL,
        duration_ms INTEGER NOT NULL,
        resend_of TEXT,
        date_created TEXT NOT NULL
      );
      CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_sid, seq);
    `,
  },
  {
    // Settings an admin edits at run time (retention), one JSON value per key.
    version: 106,
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
    `,
  },
  {
    // Custom activities (version 108, this feature's only one) beside the three built-ins. A
    // worker keeps its base activity (what routing reads) and names the custom one it is in.
    version: 108,
    sql: `
      CREATE TABLE activities (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        available BOOLEAN NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE UNIQUE INDEX activities_by_name ON activities (lower(friendly_name));
      ALTER TABLE workers ADD COLUMN activity_sid TEXT;
      CREATE INDEX workers_by_activity_sid ON workers (activity_sid) WHERE activity_sid IS NOT NULL;
    `,
  },
  {
    // Full-text search of conversations (versions 130–139 belong to search): GIN indexes over
    // the 'simple' text search configuration of folded text (accents removed, punctuation a
    // separator, as SQLite's unicode61 tokenizer sees it). Expression indexes, so the message
    // write path and its rows are unchanged; building them indexes the existing rows.
    version: 130,
    sql: `
      CREATE FUNCTION parley_search_text(input text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT regexp_replace(
                regexp_replace(normalize(input, NFD), '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]+', '', 'g'),
                '[[:punct:]]+', ' ', 'g') $$;
      CREATE INDEX messages_search ON messages
        USING gin (to_tsvector('simple', parley_search_text(body))) WHERE author_role <> 'system';
      CREATE INDEX contacts_search ON contacts
        USING gin (to_tsvector('simple', parley_search_text(coalesce(friendly_name, '') || ' ' || coalesce(address, ''))));
      CREATE INDEX channels_search ON channels
        USING gin (to_tsvector('simple', parley_search_text(coalesce(attributes->>'from', ''))));
    `,
  },
  {
    // Figures read each worker's last change before a window in one index step (version 121,
    // in the figures' range 120–129): the worker, then the time, then the order of recording.
    version: 121,
    sql: `
      CREATE INDEX worker_events_latest ON worker_events (worker_sid, date_created, seq);
      DROP INDEX worker_events_by_worker;
    `,
  },
  {
    // Nodes keep the Flex Flows they read (flex-flow-cache.ts): each change is announced to
    // every node listening on parley_flex_flows (flex-flow-changes.ts) when it commits,
    // whoever made it.
    version: 150,
    sql: `
      CREATE FUNCTION parley_flex_flow_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('parley_flex_flows', OLD.sid);
        ELSE
          PERFORM pg_notify('parley_flex_flows', NEW.sid);
        END IF;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER flex_flows_changed AFTER UPDATE OR DELETE ON flex_flows
        FOR EACH ROW EXECUTE FUNCTION parley_flex_flow_changed();
    `,
  },
  {
    // Bot executions (160–169): each step of an execution's log is a row of its own, written
    // once, instead of the whole log being written again inside the state at every step.
    // The logs stored so far move out of the states.
    version: 160,
    sql: `
      CREATE TABLE execution_steps (
        execution_sid TEXT NOT NULL REFERENCES executions(sid) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        entry JSONB NOT NULL,
        PRIMARY KEY (execution_sid, n)
      );
      INSERT INTO execution_steps (execution_sid, n, entry)
        SELECT e.sid, j.ord - 1, j.entry
        FROM executions e,
          jsonb_array_elements(CASE WHEN jsonb_typeof(e.state->'log') = 'array' THEN e.state->'log' ELSE '[]'::jsonb END)
            WITH ORDINALITY AS j(entry, ord);
      UPDATE executions SET state = state - 'log' WHERE state ? 'log';
    `,
  },
  {
    // Tasks (180–189): a revision, one more at every write of the task. It is the Task's ETag on
    // the Twilio-shaped API, and an update or deletion sent with If-Match applies only while it
    // is the same (Twilio's optimistic concurrency for Tasks).
    version: 180,
    sql: `ALTER TABLE tasks ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Conversations' unique names (190–199): `attributes.uniqueName`, which the Conversations API
    // sets and addresses a conversation by, is unique, as Twilio's is. A name already given to
    // more than one channel stays with the oldest; the others keep it followed by `#` and their sid.
    version: 190,
    sql: `
      UPDATE channels c SET attributes = jsonb_set(c.attributes, '{uniqueName}',
          to_jsonb((c.attributes->>'uniqueName') || '#' || c.sid))
        FROM (
          SELECT sid, row_number() OVER (
              PARTITION BY attributes->>'uniqueName' ORDER BY date_created, sid) AS n
          FROM channels WHERE attributes->>'uniqueName' IS NOT NULL
        ) named
        WHERE c.sid = named.sid AND named.n > 1;
      CREATE UNIQUE INDEX channels_by_unique_name ON channels ((attributes->>'uniqueName'));
    `,
  },
];

const LOCK_KEY = 0x7061726c; // "parl"

export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version as number));
    for (const { version, sql } of migrations) {
      if (applied.has(version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
