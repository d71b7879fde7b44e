/**
 * What both transports validate with at the edge: the limits, the field schemas REST bodies and
 * socket payloads share, strict objects, and `parse`, which turns the first problem into a 400
 * naming the field. The schemas themselves live beside their transport: `http/schemas.ts` (REST
 * bodies and queries) and `realtime/schemas.ts` (socket payloads). Inside, the types are trusted.
 */
import { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { ParleyError } from './errors.ts';

export const LIMITS = {
  messageBody: 4000,
  friendlyName: 120,
  clientId: 100,
  attributesJson: 16_000,
  attributesDepth: 10,
} as const;

export const sid = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[0-9a-f]{32}$`), `expected a ${prefix}… sid (${prefix} and 32 hex digits)`);

/** How deep attributes nest; measured without recursion, so no input can exhaust the stack. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    if (node && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Free-form JSON the caller owns (attributes, parameters, integration): any keys, bounded size. */
export const attributes = z
  .record(z.string(), z.unknown())
  .refine((value) => depthOf(value, LIMITS.attributesDepth) <= LIMITS.attributesDepth, {
    message: `attributes may nest at most ${LIMITS.attributesDepth} levels deep`,
    abort: true,
  })
  .refine((value) => JSON.stringify(value).length <= LIMITS.attributesJson, {
    message: `attributes must be at most ${LIMITS.attributesJson} characters of JSON`,
  });

export const stringMap = z.record(z.string().max(200), z.string().max(2000));
/**
 * What a visitor sends before a chat (the form's answers, the site's context): stored with
 * every chat anyone may open, so it is bounded like attributes, not only by the body limit.
 */
export const preEngagementData = stringMap
  .refine((value) => Object.keys(value).length <= 50, { message: 'at most 50 fields', abort: true })
  .refine((value) => JSON.stringify(value).length <= LIMITS.attributesJson, {
    message: `at most ${LIMITS.attributesJson} characters of JSON in all`,
  });
export const friendlyName = z.string().trim().min(1).max(LIMITS.friendlyName);
export const body = z.string().min(1, 'a message needs a body').max(LIMITS.messageBody);
export const clientId = z.string().min(1).max(LIMITS.clientId);
export const index = z.number().int().min(-1);

/** zod's own wording for an unknown key, which `parse` replaces with Parley's. */
const ZOD_UNKNOWN_KEY = /^Unrecognized key/;

/**
 * An object that refuses fields it does not define, so a typo is a 400 naming it rather than
 * a 200 that changed nothing. The issue's message carries the hint `parse` appends: the known
 * field closest to the first unknown one, or the list of known fields. `.partial()` and
 * `.extend()` keep both.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const known = Object.keys((issue.inst as z.ZodObject | undefined)?.shape ?? shape);
      if (known.length === 0) return 'it takes none';
      const closest = didYouMean(issue.keys[0] ?? '', known);
      return closest ? `did you mean ${closest}?` : `expected one of ${known.join(', ')}`;
    },
  });
}

/** What an unknown key is not, said the way the caller sees it: a body field, a query parameter, a payload field. */
function unknownKeyText(where: string, path: PropertyKey[], key: string, hint: string): string {
  const at = [where, ...path, key].join('.');
  const parent = [...path].reverse().find((step) => typeof step === 'string');
  const what =
    parent !== undefined
      ? `a field of ${String(parent)}`
      : where === 'body'
        ? 'a field of this resource'
        : where === 'query'
          ? 'a query parameter of this route'
          : `a field of ${where}`;
  return `${at} is not ${what}${ZOD_UNKNOWN_KEY.test(hint) ? '' : `; ${hint}`}`;
}

/**
 * Parses input, or throws a 400 naming the first bad field and what it should be. An unknown
 * field is named before any other problem: a typo is usually why a required field is missing.
 *
 * `names` gives a field the name its request used, where that differs from the schema's (a
 * Twilio-shaped request's `AssignmentStatus` for `status`).
 *
 * @example parse(schemas.updateTask, { assignmentstatus: 'canceled' })
 * // ParleyError 400: body.assignmentstatus is not a field of this resource; expected one of attributes, priority, status, reason
 */
export function parse<T extends z.ZodType>(
  schema: T,
  input: unknown,
  where = 'body',
  names: Record<string, string> = {},
): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const { issues } = result.error;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue?.code === 'unrecognized_keys')
    throw new ParleyError(
      'invalid_request',
      unknownKeyText(where, issue.path, issue.keys[0] ?? '', issue.message),
      400,
    );
  const [first, ...rest] = issue?.path ?? [];
  const named = first === undefined ? [] : [names[String(first)] ?? first, ...rest];
  const field = [where, ...named].join('.');
  throw new ParleyError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, 400);
}
