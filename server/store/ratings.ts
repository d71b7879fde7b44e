/**
 * Ratings' records, shared by both engines: the score (1–5) and optional comment a visitor
 * gave a chat once it ended. One rating per task: the first one stands. Each rating keeps
 * who handled the chat and on which Flex Flow, so supervisors' figures need no joins.
 */
import { randomBytes } from 'node:crypto';
import type { Row } from './rows.ts';

export interface Rating {
  sid: string;
  taskSid: string;
  channelSid: string;
  flexFlowSid: string;
  contactSid: string;
  /** The agent who handled the chat; null when no agent took it. */
  workerSid: string | null;
  score: number;
  comment: string | null;
  dateCreated: string;
}

export type NewRating = Omit<Rating, 'sid' | 'dateCreated'>;

export interface RatingFilter {
  flexFlowSid?: string;
  workerSid?: string;
  /** Ratings made at or after this ISO time. */
  since?: string;
}

/** What supervisors read: how many, the mean score, and how many of each score. */
export interface RatingSummary {
  count: number;
  /** Mean score rounded to two decimals; null without ratings. */
  average: number | null;
  /** Count per score, "1" … "5". */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export interface RatingRepository {
  /** Null when the task was rated already (the first rating stands). */
  create(input: NewRating): Promise<Rating | null>;
  findByTask(taskSid: string): Promise<Rating | null>;
  /** Newest first. */
  list(filter: RatingFilter, page: { limit: number; offset: number }): Promise<Rating[]>;
  summarize(filter: RatingFilter): Promise<RatingSummary>;
}

/** `RT` and 32 hex digits, as Parley's other sids. */
export const newRatingSid = () => `RT${randomBytes(16).toString('hex')}`;

export const toRating = (r: Row): Rating => ({
  sid: r.sid,
  taskSid: r.task_sid,
  channelSid: r.channel_sid,
  flexFlowSid: r.flex_flow_sid,
  contactSid: r.contact_sid,
  workerSid: r.worker_sid,
  score: Number(r.score),
  comment: r.comment,
  dateCreated: r.date_created,
});

/** The summary from `score, n` rows (one per score present). */
export function toSummary(rows: Row[]): RatingSummary {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let count = 0;
  let total = 0;
  for (const row of rows) {
    const score = Number(row.score);
    const n = Number(row.n);
    distribution[String(score) as keyof typeof distribution] = n;
    count += n;
    total += score * n;
  }
  return { count, average: count ? Math.round((total / count) * 100) / 100 : null, distribution };
}

/** The WHERE clause of a filter, with `?` or `$n` placeholders as the engine wants. */
export function ratingWhere(filter: RatingFilter, placeholder: (n: number) => string) {
  const clauses: string[] = [];
  const params: string[] = [];
  const add = (sql: string, value: string) => {
    params.push(value);
    clauses.push(`${sql} ${placeholder(params.length)}`);
  };
  if (filter.flexFlowSid) add('flex_flow_sid =', filter.flexFlowSid);
  if (filter.workerSid) add('worker_sid =', filter.workerSid);
  if (filter.since) add('date_created >=', filter.since);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
