/**
 * Versioned schema of the SQLite store. A migration runs once, in a transaction, and is
 * recorded in `schema_migrations`; append new ones, never edit an applied one.
 */
import type Database from 'better-sqlite3';

const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE contacts (
        sid TEXT PRIMARY KEY,
        identity TEXT NOT NULL UNIQUE,
        friendly_name TEXT NOT NULL,
        address TEXT,
        attributes TEXT NOT NULL DEFAULT '{}',
        date_created TEXT NOT NULL
      );
      CREATE TABLE flex_flows (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        channel_type TEXT NOT NULL,
        contact_identity TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        integration_type TEXT NOT NULL,
        integration TEXT NOT NULL DEFAULT '{}',
        long_lived INTEGER NOT NULL DEFAULT 0,
        janitor_enabled INTEGER NOT NULL DEFAULT 1,
        allowed_origins TEXT NOT NULL DEFAULT '[]',
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE TABLE channels (
        sid TEXT PRIMARY KEY,
        flex_flow_sid TEXT NOT NULL,
        contact_sid TEXT NOT NULL REFERENCES contacts(sid),
        friendly_name TEXT NOT NULL,
        status TEXT NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        task_sid TEXT,
        last_message_index INTEGER NOT NULL DEFAULT -1,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE INDEX channels_by_contact ON channels (contact_sid, flex_flow_sid, status);
      CREATE TABLE members (
        sid TEXT PRIMARY KEY,
        channel_sid TEXT NOT NULL REFERENCES channels(sid),
        identity TEXT NOT NULL,
        role TEXT NOT NULL,
        friendly_name TEXT NOT NULL,
        last_read_index INTEGER NOT NULL DEFAULT -1,
        date_created TEXT NOT NULL,
        UNIQUE (channel_sid, identity)
      );
      CREATE TABLE messages (
        sid TEXT PRIMARY KEY,
        channel_sid TEXT NOT NULL REFERENCES channels(sid),
        idx INTEGER NOT NULL,
        from_identity TEXT NOT NULL,
        author_role TEXT NOT NULL,
        author_name TEXT NOT NULL,
        body TEXT NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        client_id TEXT,
        date_created TEXT NOT NULL,
        UNIQUE (channel_sid, idx),
        UNIQUE (channel_sid, client_id)
      );
      CREATE TABLE workers (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        username TEXT UNIQUE,
        password_hash TEXT,
        activity TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        last_assigned_at TEXT NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE TABLE task_queues (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        target_workers TEXT NOT NULL,
        date_created TEXT NOT NULL
      );
      CREATE TABLE tasks (
        sid TEXT PRIMARY KEY,
        channel_sid TEXT NOT NULL REFERENCES channels(sid),
        queue_sid TEXT NOT NULL,
        worker_sid TEXT,
        status TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        attributes TEXT NOT NULL DEFAULT '{}',
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE INDEX tasks_by_status ON tasks (status, priority DESC, date_created);
      CREATE INDEX tasks_by_worker ON tasks (worker_sid, status);
      CREATE INDEX tasks_by_channel ON tasks (channel_sid, status);
      CREATE TABLE reservations (
        sid TEXT PRIMARY KEY,
        task_sid TEXT NOT NULL REFERENCES tasks(sid),
        worker_sid TEXT NOT NULL REFERENCES workers(sid),
        status TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        date_created TEXT NOT NULL
      );
      CREATE INDEX reservations_by_task ON reservations (task_sid);
      CREATE INDEX reservations_by_worker ON reservations (worker_sid, status);
      CREATE TABLE timers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        due_at TEXT NOT NULL,
        claimed_at TEXT,
        UNIQUE (kind, ref)
      );
      CREATE INDEX timers_by_due ON timers (due_at);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE flows (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        revision INTEGER NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE TABLE flow_revisions (
        flow_sid TEXT NOT NULL REFERENCES flows(sid) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        definition TEXT NOT NULL,
        date_created TEXT NOT NULL,
        PRIMARY KEY (flow_sid, revision)
      );
      CREATE TABLE executions (
        sid TEXT PRIMARY KEY,
        flow_sid TEXT NOT NULL,
        flow_revision INTEGER NOT NULL,
        channel_sid TEXT NOT NULL REFERENCES channels(sid),
        contact_sid TEXT NOT NULL,
        status TEXT NOT NULL,
        state TEXT NOT NULL,
        pending_effects TEXT NOT NULL DEFAULT '[]',
        version INTEGER NOT NULL DEFAULT 0,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE INDEX executions_by_channel ON executions (channel_sid, status);
      CREATE INDEX executions_by_flow ON executions (flow_sid, date_created);
    `,
  },
  {
    version: 3,
    sql: `ALTER TABLE flex_flows ADD COLUMN widget_config TEXT NOT NULL DEFAULT '{}';`,
  },
  {
    // Routing at contact-center depth: workflows, tasks that know their target, TTL and reason.
    version: 4,
    sql: `
      CREATE TABLE workflows (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        configuration TEXT NOT NULL,
        task_reservation_timeout INTEGER NOT NULL,
        reservation_timeout_activity TEXT,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      ALTER TABLE task_queues ADD COLUMN date_updated TEXT;
      UPDATE task_queues SET date_updated = date_created;
      ALTER TABLE tasks ADD COLUMN workflow_sid TEXT;
      ALTER TABLE tasks ADD COLUMN filter_name TEXT;
      ALTER TABLE tasks ADD COLUMN target_index INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN target_expression TEXT;
      ALTER TABLE tasks ADD COLUMN target_worker_sid TEXT;
      ALTER TABLE tasks ADD COLUMN timeout INTEGER NOT NULL DEFAULT 86400;
      ALTER TABLE tasks ADD COLUMN reason TEXT;
      ALTER TABLE tasks ADD COLUMN date_assigned TEXT;
      CREATE INDEX tasks_by_queue ON tasks (queue_sid, status);
    `,
  },
  {
    // Retention finds conversations by their last activity.
    version: 5,
    sql: `CREATE INDEX channels_by_activity ON channels (date_updated);`,
  },
  {
    version: 7,
    sql: `CREATE TABLE claims (key TEXT PRIMARY KEY, date_created TEXT NOT NULL);`,
  },
  {
    // SMS / WhatsApp-style channels: the connector replies go out through, and proxy sessions.
    version: 8,
    sql: `
      ALTER TABLE flex_flows ADD COLUMN messaging_connector TEXT;
      CREATE TABLE proxy_sessions (
        sid TEXT PRIMARY KEY,
        flex_flow_sid TEXT NOT NULL,
        channel_sid TEXT NOT NULL,
        identity TEXT NOT NULL,
        address TEXT NOT NULL,
        proxy_address TEXT NOT NULL,
        status TEXT NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL,
        date_closed TEXT
      );
      CREATE UNIQUE INDEX proxy_sessions_open ON proxy_sessions (address, proxy_address) WHERE status = 'open';
      CREATE INDEX proxy_sessions_by_channel ON proxy_sessions (channel_sid);
    `,
  },
  {
    // Media records: which channel a stored file belongs to, its name, sniffed type and size.
    // The bytes are in the file storage (disk, PostgreSQL or S3), keyed by the media sid.
    version: 10,
    sql: `
      CREATE TABLE media (
        sid TEXT PRIMARY KEY,
        channel_sid TEXT NOT NULL,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        uploaded_by TEXT NOT NULL,
        date_created TEXT NOT NULL
      );
      CREATE INDEX media_by_channel ON media (channel_sid);
    `,
  },
  {
    // Revocable agents: a disabled flag, a session version that signed tokens must match, and
    // failed sign-ins per username (known or not) for the per-account backoff.
    version: 20,
    sql: `
      ALTER TABLE workers ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE workers ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE sign_in_attempts (
        username TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT,
        last_attempt_at TEXT NOT NULL
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
      CREATE TEMP TABLE contact_scopes AS
        SELECT DISTINCT c.sid AS old_sid, ch.flex_flow_sid AS flex_flow_sid, c.identity AS old_identity,
          'user:' || ch.flex_flow_sid || ':' || substr(c.identity, 6) AS new_identity, c.sid AS new_sid
        FROM contacts c JOIN channels ch ON ch.contact_sid = c.sid
        WHERE c.identity LIKE 'user:%';
      UPDATE contact_scopes SET new_sid = 'US' || lower(hex(randomblob(16)))
        WHERE flex_flow_sid <> (SELECT min(s.flex_flow_sid) FROM contact_scopes s WHERE s.old_sid = contact_scopes.old_sid);
      INSERT INTO contacts (sid, identity, friendly_name, address, attributes, date_created)
        SELECT s.new_sid, s.new_identity, c.friendly_name, c.address, c.attributes, c.date_created
        FROM contact_scopes s JOIN contacts c ON c.sid = s.old_sid WHERE s.new_sid <> s.old_sid;
      UPDATE members SET identity = (
          SELECT s.new_identity FROM channels ch
          JOIN contact_scopes s ON s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid
          WHERE ch.sid = members.channel_sid)
        WHERE EXISTS (
          SELECT 1 FROM channels ch
          JOIN contact_scopes s ON s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid
          WHERE ch.sid = members.channel_sid AND s.old_identity = members.identity);
      UPDATE messages SET from_identity = (
          SELECT s.new_identity FROM channels ch
          JOIN contact_scopes s ON s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid
          WHERE ch.sid = messages.channel_sid)
        WHERE from_identity LIKE 'user:%' AND EXISTS (
          SELECT 1 FROM channels ch
          JOIN contact_scopes s ON s.old_sid = ch.contact_sid AND s.flex_flow_sid = ch.flex_flow_sid
          WHERE ch.sid = messages.channel_sid AND s.old_identity = messages.from_identity);
      UPDATE channels SET contact_sid = (
          SELECT s.new_sid FROM contact_scopes s
          WHERE s.old_sid = channels.contact_sid AND s.flex_flow_sid = channels.flex_flow_sid)
        WHERE contact_sid IN (SELECT old_sid FROM contact_scopes);
      UPDATE executions SET contact_sid = (SELECT ch.contact_sid FROM channels ch WHERE ch.sid = executions.channel_sid)
        WHERE contact_sid IN (SELECT old_sid FROM contact_scopes);
      UPDATE contacts SET identity = (SELECT s.new_identity FROM contact_scopes s WHERE s.new_sid = contacts.sid)
        WHERE sid IN (SELECT old_sid FROM contact_scopes WHERE new_sid = old_sid);
      DROP TABLE contact_scopes;
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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        sid TEXT NOT NULL UNIQUE,
        actor_kind TEXT NOT NULL,
        actor_worker_sid TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_sid TEXT,
        request TEXT NOT NULL,
        before_json TEXT,
        after_json TEXT,
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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
        enabled INTEGER NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        sid TEXT NOT NULL UNIQUE,
        webhook_sid TEXT NOT NULL,
        event TEXT NOT NULL,
        event_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        payload_size INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        status_code INTEGER,
        error TEXT,
        delivered INTEGER NOT NULL,
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
        available INTEGER NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE UNIQUE INDEX activities_by_name ON activities (lower(friendly_name));
      ALTER TABLE workers ADD COLUMN activity_sid TEXT;
      CREATE INDEX workers_by_activity_sid ON workers (activity_sid) WHERE activity_sid IS NOT NULL;
    `,
  },
  {
    // Full-text search of conversations (versions 130–139 belong to search). External-content
    // FTS5 indexes kept in step by triggers, so writing a message stays one INSERT in code;
    // system messages are not indexed. The index keys are the tables' rowids: after a manual
    // VACUUM (which may renumber them) run `INSERT INTO messages_fts(messages_fts) VALUES('rebuild')`
    // and the same for contacts_fts.
    version: 130,
    sql: `
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        body, content = 'messages', tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO messages_fts (rowid, body) SELECT rowid, body FROM messages WHERE author_role <> 'system';
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.author_role <> 'system' BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.author_role <> 'system' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, author_role ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
          SELECT 'delete', old.rowid, old.body WHERE old.author_role <> 'system';
        INSERT INTO messages_fts (rowid, body) SELECT new.rowid, new.body WHERE new.author_role <> 'system';
      END;

      CREATE VIRTUAL TABLE contacts_fts USING fts5(
        friendly_name, address, content = 'contacts', tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
      CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contacts_fts (rowid, friendly_name, address) VALUES (new.rowid, new.friendly_name, new.address);
      END;
      CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
        INSERT INTO contacts_fts (contacts_fts, rowid, friendly_name, address)
          VALUES ('delete', old.rowid, old.friendly_name, old.address);
      END;
      CREATE TRIGGER contacts_fts_update AFTER UPDATE OF friendly_name, address ON contacts BEGIN
        INSERT INTO contacts_fts (contacts_fts, rowid, friendly_name, address)
          VALUES ('delete', old.rowid, old.friendly_name, old.address);
        INSERT INTO contacts_fts (rowid, friendly_name, address) VALUES (new.rowid, new.friendly_name, new.address);
      END;

      -- A channel's "from" lives in its JSON attributes: a contentless index of just that.
      CREATE VIRTUAL TABLE channel_names_fts USING fts5(
        name, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO channel_names_fts (rowid, name)
        SELECT rowid, json_extract(attributes, '$.from') FROM channels
        WHERE json_extract(attributes, '$.from') IS NOT NULL;
      CREATE TRIGGER channel_names_fts_insert AFTER INSERT ON channels
        WHEN json_extract(new.attributes, '$.from') IS NOT NULL BEGIN
        INSERT INTO channel_names_fts (rowid, name) VALUES (new.rowid, json_extract(new.attributes, '$.from'));
      END;
      CREATE TRIGGER channel_names_fts_delete AFTER DELETE ON channels BEGIN
        DELETE FROM channel_names_fts WHERE rowid = old.rowid;
      END;
      CREATE TRIGGER channel_names_fts_update AFTER UPDATE OF attributes ON channels
        WHEN json_extract(old.attributes, '$.from') IS NOT json_extract(new.attributes, '$.from') BEGIN
        DELETE FROM channel_names_fts WHERE rowid = old.rowid;
        INSERT INTO channel_names_fts (rowid, name)
          SELECT new.rowid, json_extract(new.attributes, '$.from')
          WHERE json_extract(new.attributes, '$.from') IS NOT NULL;
      END;
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
    // Search (130–139): a new message is indexed for full-text search just after it is
    // acknowledged, not inside its transaction. Writing an FTS5 index costs about as much as the
    // rest of saving a message, and most of it is per commit, so messages are indexed together
    // (see conversation-search.ts): the insert trigger only notes the message's rowid in
    // messages_fts_pending, and a search indexes what is pending before it reads. A pending
    // message is not yet in messages_fts, so a change or deletion touches only the pending row.
    version: 131,
    sql: `
      CREATE TABLE messages_fts_pending (message_rowid INTEGER PRIMARY KEY);
      DROP TRIGGER messages_fts_insert;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.author_role <> 'system' BEGIN
        INSERT INTO messages_fts_pending (message_rowid) VALUES (new.rowid);
      END;
      DROP TRIGGER messages_fts_delete;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
          SELECT 'delete', old.rowid, old.body WHERE old.author_role <> 'system'
            AND NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
        DELETE FROM messages_fts_pending WHERE message_rowid = old.rowid;
      END;
      DROP TRIGGER messages_fts_update;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, author_role ON messages
        WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid) BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
          SELECT 'delete', old.rowid, old.body WHERE old.author_role <> 'system';
        INSERT INTO messages_fts (rowid, body) SELECT new.rowid, new.body WHERE new.author_role <> 'system';
      END;
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
        entry TEXT NOT NULL,
        PRIMARY KEY (execution_sid, n)
      ) WITHOUT ROWID;
      INSERT INTO execution_steps (execution_sid, n, entry)
        SELECT e.sid, j.key, e.state -> j.fullkey FROM executions e, json_each(e.state, '$.log') j
        WHERE json_type(e.state, '$.log') = 'array';
      UPDATE executions SET state = json_remove(state, '$.log') WHERE json_type(state, '$.log') IS NOT NULL;
    `,
  },
  {
    // Messages (170–179): the client ids are looked up by an index keyed on the id first, and
    // only messages that have one are in it. Keyed on the channel first, each chat's newest
    // entry sat on a page of its own, and a commit of messages from many chats wrote one such
    // page per chat; ids that grow with time (the widget's and the desk's do) now fill the same
    // few pages. Same uniqueness: one client id per channel. A table constraint cannot be
    // dropped in SQLite, so the table is copied (keeping every rowid, which the search index
    // refers to) and its search triggers made again as migration 131 left them.
    version: 170,
    sql: `
      CREATE TABLE messages_new (
        sid TEXT PRIMARY KEY,
        channel_sid TEXT NOT NULL REFERENCES channels(sid),
        idx INTEGER NOT NULL,
        from_identity TEXT NOT NULL,
        author_role TEXT NOT NULL,
        author_name TEXT NOT NULL,
        body TEXT NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        client_id TEXT,
        date_created TEXT NOT NULL,
        UNIQUE (channel_sid, idx)
      );
      INSERT INTO messages_new (rowid, sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created)
        SELECT rowid, sid, channel_sid, idx, from_identity, author_role, author_name, body, attributes, client_id, date_created
        FROM messages ORDER BY rowid;
      DROP TABLE messages;
      ALTER TABLE messages_new RENAME TO messages;
      CREATE UNIQUE INDEX messages_client_id ON messages (client_id, channel_sid) WHERE client_id IS NOT NULL;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.author_role <> 'system' BEGIN
        INSERT INTO messages_fts_pending (message_rowid) VALUES (new.rowid);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
          SELECT 'delete', old.rowid, old.body WHERE old.author_role <> 'system'
            AND NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid);
        DELETE FROM messages_fts_pending WHERE message_rowid = old.rowid;
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, author_role ON messages
        WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message_rowid = old.rowid) BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body)
          SELECT 'delete', old.rowid, old.body WHERE old.author_role <> 'system';
        INSERT INTO messages_fts (rowid, body) SELECT new.rowid, new.body WHERE new.author_role <> 'system';
      END;
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
      UPDATE channels SET attributes = json_set(attributes, '$.uniqueName',
          json_extract(attributes, '$.uniqueName') || '#' || sid)
        WHERE json_extract(attributes, '$.uniqueName') IS NOT NULL AND rowid NOT IN (
          SELECT min(rowid) FROM channels WHERE json_extract(attributes, '$.uniqueName') IS NOT NULL
          GROUP BY json_extract(attributes, '$.uniqueName'));
      CREATE UNIQUE INDEX channels_by_unique_name ON channels (json_extract(attributes, '$.uniqueName'));
    `,
  },
];

/** Runs every migration not yet applied (up to `upTo`, for tests of a migration). */
export function migrate(db: Database.Database, upTo = Number.POSITIVE_INFINITY): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((row) => (row as { version: number }).version),
  );
  for (const { version, sql } of migrations) {
    if (applied.has(version) || version > upTo) continue;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        version,
        new Date().toISOString(),
      );
    }).immediate();
  }
}
