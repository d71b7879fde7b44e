/**
 * Every route of the Twilio-shaped surface is in the catalog the authorisation and fuzz tests
 * run over (authz-catalog.ts): the routers' own tables are read, as server/http/twilio mounts
 * them, so a route added there without a catalog row fails here instead of going untested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioResources } from '../../server/http/twilio/index.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { ROUTES } from './authz-catalog.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
}, 60_000);
afterAll(() => parley?.stop());

/** What Express 5's router keeps of each `get`/`post`/… and `use` (router/lib/layer.js). */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  /** A `use` at the root (`/`); else `rawPath` is where it is used. */
  slash?: boolean;
  rawPath?: string;
}

/** `METHOD /path` of each route in `stack`, mounted at `mount`, routers used within it too. */
function routesOf(stack: Layer[], mount: string): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const { path, methods } = layer.route;
      for (const method of Object.keys(methods).filter((m) => methods[m] && m !== '_all'))
        for (const one of Array.isArray(path) ? path : [path])
          found.push(`${method.toUpperCase()} ${mount}${one === '/' ? '' : one}`);
    } else if (layer.handle.stack) {
      found.push(...routesOf(layer.handle.stack, layer.slash ? mount : `${mount}${layer.rawPath}`));
    }
  }
  return found;
}

/**
 * The route with its parameters unnamed: `/v1/Workspaces/:ws` and `/v1/Workspaces/:sid` agree,
 * and with the workspace's sid (TaskRouter's routes are used under the one workspace) too.
 */
const pattern = (route: string) => route.replace(/:[A-Za-z]+|WS[0-9a-f]{32}/g, ':_');

describe('the authorisation catalog', () => {
  it('has every Twilio-shaped route the server serves', () => {
    const served = twilioResources(parley.server.core).flatMap(([mount, router]) =>
      routesOf((router as unknown as { stack: Layer[] }).stack, mount),
    );
    expect(served.length).toBeGreaterThan(50);
    const catalogued = new Set(
      ROUTES.filter((route) => route.form).map((route) => pattern(route.name.replace(/ \(Twilio\)$/, ''))),
    );
    expect(served.map(pattern).filter((route) => !catalogued.has(route))).toEqual([]);
  });
});
