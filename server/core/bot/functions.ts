/**
 * `run-function` calls: a local function from `PARLEY_FUNCTIONS_DIR` when the widget names
 * one, else a form-encoded POST of its parameters to its `url` (within the egress policy), as
 * Studio does. A local function is a Node module written like a Twilio Function
 * (`exports.handler = (context, event, callback) => …`); each call runs in a child process of
 * its own, so it shares no state with the server and is killed after 10 s. At most
 * FUNCTION_CONCURRENCY run at once; a call waits up to 10 s for a turn, then fails.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EgressError, type EgressPolicy } from '../egress.ts';
import type { Effect } from './widgets/types.ts';

export const FUNCTION_TIMEOUT_MS = 10_000;
/** Local functions one server runs at once; more wait (up to the timeout) for a turn. */
export const FUNCTION_CONCURRENCY = 8;
const FUNCTION_QUEUE = 200;
const MAX_BODY = 256 * 1024;
const CHILD = join(import.meta.dirname, 'function-child.cjs');

type FunctionEffect = Extract<Effect, { type: 'runFunction' }>;
type Outcome = { outcome: string; outputs: Record<string, unknown> };

/** The local module a widget names: `function_sid` or the URL's last path segment, in `dir`. */
export function localFunction(dir: string | undefined, effect: FunctionEffect): string | null {
  if (!dir) return null;
  const names = [effect.functionSid, lastSegment(effect.url)].filter(
    (n): n is string => !!n && /^[\w.-]+$/.test(n) && !n.startsWith('.'),
  );
  for (const name of names)
    for (const file of [`${name}.js`, `${name}.cjs`, name])
      if (file.endsWith('js') && existsSync(join(dir, file))) return join(dir, file);
  return null;
}

function lastSegment(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, 'http://local').pathname.split('/').filter(Boolean).pop();
  } catch {
    return undefined;
  }
}

/** The answer's content type: its header, else what a Function's callback value implies. */
function contentTypeOf(headers: Record<string, unknown> | undefined, body: unknown): string {
  const named = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (typeof named === 'string') return named;
  return typeof body === 'object' && body !== null ? 'application/json' : 'text/plain';
}

/** Studio's outputs of an answer: body, parsed when JSON, status_code, content_type. */
function outputsOf(status: number, body: unknown, contentType: string): Outcome {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  let parsed: unknown;
  if (typeof body === 'object' && body !== null) parsed = body;
  else {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return {
    outcome: status >= 200 && status < 300 ? 'success' : 'fail',
    outputs: {
      status_code: status,
      content_type: contentType,
      body: text.slice(0, MAX_BODY),
      ...(parsed !== undefined && { parsed }),
    },
  };
}

function runLocal(file: string, effect: FunctionEffect, context: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    const notStarted = { outcome: 'fail', outputs: { error: 'the function could not be started' } };
    let child: ReturnType<typeof fork>;
    try {
      child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
    } catch {
      resolve(notStarted);
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({
        outcome: 'fail',
        outputs: { error: `the function did not answer within ${FUNCTION_TIMEOUT_MS / 1000} s` },
      });
    }, FUNCTION_TIMEOUT_MS);
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    child.once(
      'message',
      (m: { ok: boolean; status?: number; body?: unknown; headers?: Record<string, unknown> }) => {
        // The function's own error text is the author's, but may quote the visitor: not logged.
        done(
          m.ok
            ? outputsOf(m.status ?? 200, m.body, contentTypeOf(m.headers, m.body))
            : { outcome: 'fail', outputs: { error: 'the function returned an error' } },
        );
      },
    );
    // 'close', not 'exit': a child's last message may still be in the IPC pipe when its exit
    // is seen, and 'close' comes only after the pipe has been read to its end.
    child.once('close', () =>
      done({ outcome: 'fail', outputs: { error: 'the function exited without answering' } }),
    );
    // A child that cannot start (no memory, too many processes) fails the call, not the server:
    // every error it reports is taken (a failed start can be followed by a failed send).
    child.on('error', () => {
      child.kill('SIGKILL');
      done(notStarted);
    });
    try {
      child.send({ file, event: effect.parameters, context }, (err) => {
        if (err) done(notStarted);
      });
    } catch {
      child.kill('SIGKILL');
      done(notStarted);
    }
  });
}

async function runRemote(effect: FunctionEffect, egress: EgressPolicy): Promise<Outcome> {
  let url: URL;
  try {
    url = new URL(effect.url ?? '');
  } catch {
    return {
      outcome: 'fail',
      outputs: { error: 'no local function of that name, and the url is not a URL' },
    };
  }
  // A Twilio-hosted Function belongs to the account the flow came from: it runs here only as a
  // local function, and the visitor's data is not sent to Twilio behind the team's back.
  if (url.hostname.endsWith('.twil.io'))
    return {
      outcome: 'fail',
      outputs: { error: 'no local function of that name for this twil.io URL (PARLEY_FUNCTIONS_DIR)' },
    };
  try {
    const res = await egress.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(effect.parameters).toString(),
      timeoutMs: FUNCTION_TIMEOUT_MS,
      maxBody: MAX_BODY,
    });
    return outputsOf(res.status, res.body, contentTypeOf(res.headers, res.body));
  } catch (err) {
    return {
      outcome: 'fail',
      outputs: { error: err instanceof EgressError ? err.message : 'the request failed' },
    };
  }
}

// A child process is the server's own resource (memory, a descriptor, a second of CPU to
// start), whichever chat asks for it, so the count is kept for the process: a visitor who loops
// a flow through a slow function cannot make the server fork without end.
const children = { running: 0, waiting: [] as (() => void)[] };

/** Runs `run` when fewer than FUNCTION_CONCURRENCY children run; `busy()` when none frees in time. */
async function inChildSlot(run: () => Promise<Outcome>, busy: () => Outcome): Promise<Outcome> {
  if (children.running < FUNCTION_CONCURRENCY) children.running++;
  else {
    if (children.waiting.length >= FUNCTION_QUEUE) return busy();
    const turn = await new Promise<boolean>((resolve) => {
      const take = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        children.waiting.splice(children.waiting.indexOf(take), 1);
        resolve(false);
      }, FUNCTION_TIMEOUT_MS);
      children.waiting.push(take);
    });
    if (!turn) return busy();
  }
  try {
    return await run();
  } finally {
    // The slot passes to the next in line, or is given back.
    const next = children.waiting.shift();
    if (next) next();
    else children.running--;
  }
}

const busy = (): Outcome => ({
  outcome: 'fail',
  outputs: { error: `more than ${FUNCTION_CONCURRENCY} functions were running: none answered in time` },
});

/** Runs the widget's function; `success` on a 2xx answer, `fail` otherwise. */
export function performRunFunction(
  effect: FunctionEffect,
  {
    functionsDir,
    egress,
    context,
  }: { functionsDir?: string; egress: EgressPolicy; context: Record<string, unknown> },
): Promise<Outcome> {
  const file = localFunction(functionsDir, effect);
  return file ? inChildSlot(() => runLocal(file, effect, context), busy) : runRemote(effect, egress);
}
