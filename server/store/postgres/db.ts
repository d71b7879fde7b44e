/** The PostgreSQL connection pool and a transaction helper. */
import type pg from 'pg';
import type { Clock, IdGenerator } from '../../ids.ts';
import type { Row } from '../rows.ts';

export interface Deps {
  pool: pg.Pool;
  clock: Clock;
  newSid: IdGenerator;
}

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** First row of a query, or undefined. */
export async function one(db: Queryable, sql: string, params: unknown[] = []): Promise<Row | undefined> {
  const { rows } = await db.query(sql, params);
  return rows[0];
}

export async function all(db: Queryable, sql: string, params: unknown[] = []): Promise<Row[]> {
  return (await db.query(sql, params)).rows;
}

/** Runs `work` in a transaction on one connection; rolls back on any error. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
