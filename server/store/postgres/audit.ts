/** PostgreSQL: the admin audit log, appended to and read newest first, from any node. */
import { type AuditRepository, newAuditSid, toAuditEvent } from '../audit-events.ts';
import { all, type Deps, one } from './db.ts';

export function auditRepository({ pool, clock }: Pick<Deps, 'pool' | 'clock'>): AuditRepository {
  return {
    async record(event) {
      const sid = newAuditSid();
      const dateCreated = clock().toISOString();
      await pool.query(
        `INSERT INTO audit_events (sid, actor_kind, actor_worker_sid, actor_name, action, resource_type,
           resource_sid, request, before_json, after_json, date_created)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          sid,
          event.actor.kind,
          event.actor.workerSid,
          event.actor.name,
          event.action,
          event.resourceType,
          event.resourceSid,
          event.request,
          JSON.stringify(event.before ?? null),
          JSON.stringify(event.after ?? null),
          dateCreated,
        ],
      );
      return { ...event, sid, dateCreated };
    },
    async list({ limit, beforeSid, resourceSid, workerSid }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (beforeSid) {
        const row = await one(pool, 'SELECT seq FROM audit_events WHERE sid = $1', [beforeSid]);
        params.push(row ? row.seq : 0);
        where.push(`seq < $${params.length}`);
      }
      if (resourceSid) {
        params.push(resourceSid);
        where.push(`resource_sid = $${params.length}`);
      }
      if (workerSid) {
        params.push(workerSid);
        where.push(`actor_worker_sid = $${params.length}`);
      }
      params.push(limit);
      const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT $${params.length}`;
      return (await all(pool, sql, params)).map(toAuditEvent);
    },
  };
}
