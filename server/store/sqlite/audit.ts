/** SQLite: the admin audit log, appended to and read newest first. */
import { type AuditRepository, newAuditSid, toAuditEvent } from '../audit-events.ts';
import type { Row } from '../rows.ts';
import type { Deps } from './conversations.ts';

export function auditRepository({ db, clock }: Pick<Deps, 'db' | 'clock'>): AuditRepository {
  const insert = db.prepare(
    `INSERT INTO audit_events (sid, actor_kind, actor_worker_sid, actor_name, action, resource_type,
       resource_sid, request, before_json, after_json, date_created)
     VALUES (@sid, @actorKind, @actorWorkerSid, @actorName, @action, @resourceType, @resourceSid,
       @request, @before, @after, @dateCreated)`,
  );
  const seqOf = db.prepare('SELECT seq FROM audit_events WHERE sid = ?');
  return {
    async record(event) {
      const sid = newAuditSid();
      const dateCreated = clock().toISOString();
      insert.run({
        sid,
        actorKind: event.actor.kind,
        actorWorkerSid: event.actor.workerSid,
        actorName: event.actor.name,
        action: event.action,
        resourceType: event.resourceType,
        resourceSid: event.resourceSid,
        request: event.request,
        before: JSON.stringify(event.before ?? null),
        after: JSON.stringify(event.after ?? null),
        dateCreated,
      });
      return { ...event, sid, dateCreated };
    },
    async list({ limit, beforeSid, resourceSid, workerSid }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (beforeSid) {
        const row = seqOf.get(beforeSid) as Row | undefined;
        where.push('seq < ?');
        params.push(row ? row.seq : 0);
      }
      if (resourceSid) {
        where.push('resource_sid = ?');
        params.push(resourceSid);
      }
      if (workerSid) {
        where.push('actor_worker_sid = ?');
        params.push(workerSid);
      }
      const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, limit) as Row[]).map(toAuditEvent);
    },
  };
}
