/**
 * Twilio's wire format, both ways: form-encoded PascalCase requests read field by field (every
 * field the request sends must be one the resource reads), snake_case responses with Twilio's
 * dates, account SID and `meta` paging, and errors with Twilio's numeric codes.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { didYouMean } from '../../did-you-mean.ts';
import { ParleyError } from '../../errors.ts';

/** A stable fake SID: Twilio resources Parley has one of (workspace, chat service, activities). */
export const fixedSid = (prefix: string, name: string) =>
  prefix + createHash('sha256').update(`parley:${name}`).digest('hex').slice(0, 32);

const DEFAULT_ACCOUNT_SID = fixedSid('AC', 'account');

/** The account the caller named in Basic auth (any `AC…`), else Parley's own. */
export function accountSidOf(req: Request): string {
  const header = req.get('authorization') ?? '';
  // The scheme's name is case-insensitive (RFC 7617).
  if (!/^basic /i.test(header)) return DEFAULT_ACCOUNT_SID;
  const user = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
  return /^AC[0-9a-fA-F]{32}$/.test(user) ? user : DEFAULT_ACCOUNT_SID;
}

/** Twilio's v1/v2 APIs send ISO 8601 to the second: `2024-05-01T12:00:00Z`. */
export const twilioDate = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;

/** Where this server is reachable for the caller: the base of every `url` in a response. */
export const baseUrlOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

const invalid = (field: string, message: string) =>
  new ParleyError('invalid_request', `${field}: ${message}`, 400);

/**
 * A form-encoded request body (or query), read the way each Twilio resource documents it. Every
 * getter marks its field as read; `done()` refuses any field nobody read, naming it.
 */
export class Form {
  private readonly seen = new Set<string>();
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly where = 'body',
  ) {}

  static body(req: Request) {
    return new Form(formBody(req));
  }
  static query(req: Request) {
    return new Form(req.query as Record<string, unknown>, 'query');
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** The fields given whose names start with `prefix` (dotted names: `Integration.`). */
  namesUnder(prefix: string): string[] {
    return Object.keys(this.values).filter((key) => key.startsWith(prefix));
  }

  list(name: string): string[] {
    this.seen.add(name);
    const value = this.values[name];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map(String);
  }

  string(name: string): string | undefined {
    const [first] = this.list(name);
    return first;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw invalid(`${this.where}.${name}`, `${name} is required`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw invalid(`${this.where}.${name}`, `expected true or false, got "${value}"`);
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw invalid(`${this.where}.${name}`, `expected an integer, got "${value}"`);
    return Number(value);
  }

  /**
   * An ISO 8601 date (`DateCreatedFrom`, `StartDate`), as milliseconds since the epoch. A time
   * without an offset is UTC, as Twilio reads it (not the server's own time zone).
   */
  date(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const utc = /T[\d:.]+$/.test(value) ? `${value}Z` : value;
    const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(utc) : Number.NaN;
    if (Number.isNaN(ms))
      throw invalid(
        `${this.where}.${name}`,
        `expected an ISO 8601 date, e.g. 2026-05-01T12:00:00Z, got "${value}"`,
      );
    return ms;
  }

  /** A JSON-encoded field (`Attributes`, `Configuration`, `Definition`, `Parameters`). */
  json(name: string): unknown {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      throw invalid(`${this.where}.${name}`, 'expected a JSON string, e.g. {"key":"value"}');
    }
  }

  /** A JSON object field; an empty string counts as none. */
  object(name: string): Record<string, unknown> | undefined {
    if (this.string(name) === '') return undefined;
    const value = this.json(name);
    if (value === undefined) return undefined;
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw invalid(`${this.where}.${name}`, 'expected a JSON object, e.g. {"key":"value"}');
    return value as Record<string, unknown>;
  }

  /** Accepts fields Twilio documents and Parley has no use for. */
  ignore(...names: string[]): this {
    for (const name of names) this.seen.add(name);
    return this;
  }

  /**
   * Refuses any field no getter read: a body Parley cannot read is an error, never ignored. By
   * then every getter has run, so the fields read are the ones to suggest for a typo.
   */
  done(): void {
    for (const key of Object.keys(this.values)) {
      if (this.seen.has(key)) continue;
      const closest = didYouMean(key, [...this.seen]);
      throw invalid(
        `${this.where}.${key}`,
        `${key} is not a parameter of this resource in Parley${closest ? `; did you mean ${closest}?` : ' (docs/twilio.md)'}`,
      );
    }
  }
}

/**
 * The field of each form that the parser drops without a word: `__proto__` (which no object may
 * hold as a field of its own) or one with no name (`=x`). Noted from the raw body, so the form
 * is refused as one naming any other field Parley does not read.
 */
const droppedField = new WeakMap<object, string>();
export function noteDroppedFields(req: object, _res: unknown, body: Buffer): void {
  const fields = new URLSearchParams(body.toString('utf8'));
  if (fields.has('__proto__')) droppedField.set(req, '__proto__');
  else if (fields.has('')) droppedField.set(req, '');
}

function formBody(req: Request): Record<string, unknown> {
  const dropped = droppedField.get(req);
  if (dropped === '__proto__')
    throw invalid('body.__proto__', '__proto__ is not a parameter of this resource in Parley');
  if (dropped === '')
    throw invalid('body', 'a field has no name (as in "=x"): name it, or leave it out of the form');
  const length = Number(req.get('content-length') ?? 0);
  if (
    !req.body ||
    typeof req.body !== 'object' ||
    (length > 0 && !req.is('application/x-www-form-urlencoded'))
  ) {
    if (length > 0 || req.get('transfer-encoding'))
      throw new ParleyError(
        'unsupported_media_type',
        'body: the Twilio-shaped API reads application/x-www-form-urlencoded bodies',
        415,
      );
    return {};
  }
  return req.body as Record<string, unknown>;
}

/** Twilio's numeric error codes for Parley's statuses. */
const CODES: Record<number, number> = {
  400: 20001,
  401: 20003,
  403: 20403,
  404: 20404,
  405: 20004,
  409: 20409,
  412: 20412,
  413: 21617,
  415: 20415,
  429: 20429,
  500: 20500,
  503: 20503,
};

/** Twilio's own codes for errors it tells apart within a status. */
const CODES_BY_KIND: Record<string, number> = {
  unique_name_taken: 50353,
};

/** `kind`: Parley's error code, when Twilio has a code of its own for it. */
export function twilioErrorBody(status: number, message: string, kind?: string) {
  const code = (kind && CODES_BY_KIND[kind]) || CODES[status] || (status >= 500 ? 20500 : 20001);
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export interface PageRequest {
  page: number;
  pageSize: number;
  /** Where the page starts: an offset, or a resource's own cursor. */
  token: string | undefined;
}

/** Drops fields not given, so a parse of a partial schema changes only what was sent. */
export const given = <T extends Record<string, unknown>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;

/** `Page`, `PageSize` (default 50, at most 1000) and `PageToken` of a list request. */
export function pageRequest(form: Form): PageRequest {
  const pageSize = form.integer('PageSize') ?? 50;
  if (pageSize < 1 || pageSize > 1000) throw invalid('query.PageSize', 'expected 1 to 1000');
  const page = form.integer('Page') ?? 0;
  if (page < 0) throw invalid('query.Page', 'expected 0 or more');
  return { page, pageSize, token: form.string('PageToken') };
}

/**
 * A list page in Twilio's shape. `nextToken` is where the next page starts (null: this is the
 * last); the library follows `meta.next_page_url` as given.
 */
export function listPage(
  req: Request,
  key: string,
  items: unknown[],
  { page, pageSize }: PageRequest,
  nextToken: string | null,
  previousToken: string | null = null,
) {
  // A list at a router's root (`/v1/Conversations`) has the path `/` there: no trailing slash.
  const base = `${baseUrlOf(req)}${req.baseUrl}${req.path === '/' && req.baseUrl ? '' : req.path}`;
  const others = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) {
    if (['Page', 'PageSize', 'PageToken'].includes(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) others.append(name, String(v));
  }
  const urlOf = (pageNumber: number, token: string | null) => {
    const params = new URLSearchParams(others);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(pageNumber));
    if (token !== null) params.set('PageToken', token);
    return `${base}?${params}`;
  };
  return {
    [key]: items,
    meta: {
      page,
      page_size: pageSize,
      first_page_url: urlOf(0, null),
      previous_page_url: page > 0 ? urlOf(page - 1, previousToken) : null,
      url: urlOf(page, page > 0 ? ((req.query.PageToken as string | undefined) ?? null) : null),
      next_page_url: nextToken === null ? null : urlOf(page + 1, nextToken),
      key,
    },
  };
}

/** A page of an in-memory list; the token is the offset of the page's first item. */
export function pageOf<T>(
  req: Request,
  key: string,
  all: T[],
  request: PageRequest,
  view: (item: T) => unknown,
) {
  const offset = request.token !== undefined ? Number(request.token) || 0 : request.page * request.pageSize;
  const items = all.slice(offset, offset + request.pageSize);
  const next = offset + request.pageSize < all.length ? String(offset + request.pageSize) : null;
  const previous = offset > 0 ? String(Math.max(0, offset - request.pageSize)) : null;
  return listPage(req, key, items.map(view), request, next, previous);
}
