/**
 * Every route of the Twilio-shaped surface is in the catalog the authorisation and fuzz tests
 * run over (authz-catalog.ts): the routers' own tables are read, as server/http/twilio mounts
 * them, so a route added there without a catalog row fails here instead of going untested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioResources } from '../../server/http/twilio/index.ts';
import { servedRoutes } from '../../server/http/twilio/routes.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { ROUTES } from './authz-catalog.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
}, 60_000);
afterAll(() => parley?.stop());

/**
 * The route with its parameters unnamed: `/v1/Workspaces/:ws` and `/v1/Workspaces/:sid` agree,
 * and with the workspace's sid (TaskRouter's routes are used under the one workspace) too.
 */
const pattern = (route: string) => route.replace(/:[A-Za-z]+|WS[0-9a-f]{32}/g, ':_');

describe('the authorisation catalog', () => {
  it('has every Twilio-shaped route the server serves', () => {
    const served = servedRoutes(twilioResources(parley.server.core)).map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(50);
    const catalogued = new Set(
      ROUTES.filter((route) => route.form).map((route) => pattern(route.name.replace(/ \(Twilio\)$/, ''))),
    );
    expect(served.map(pattern).filter((route) => !catalogued.has(route))).toEqual([]);
  });
});
