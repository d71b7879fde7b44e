/**
 * The routes the Twilio-shaped routers serve, read from Express's own tables: what a path
 * that no route answers for its method may be asked with instead (a 405 names them), and the
 * list the authorisation tests check their catalog against.
 */
import type { Router } from 'express';

/** What Express 5's router keeps of each `get`/`post`/… and `use` (router/lib/layer.js). */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  /** A `use` at the root (`/`); else `rawPath` is where it is used. */
  slash?: boolean;
  rawPath?: string;
}

export interface ServedRoute {
  method: string;
  /** The full path, with Express's `:params`. */
  path: string;
}

function routesOf(stack: Layer[], mount: string): ServedRoute[] {
  const found: ServedRoute[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const { path, methods } = layer.route;
      for (const method of Object.keys(methods).filter((m) => methods[m] && m !== '_all'))
        for (const one of Array.isArray(path) ? path : [path])
          found.push({ method: method.toUpperCase(), path: `${mount}${one === '/' ? '' : one}` });
    } else if (layer.handle.stack) {
      found.push(...routesOf(layer.handle.stack, layer.slash ? mount : `${mount}${layer.rawPath}`));
    }
  }
  return found;
}

/** Every route of `resources`, each router mounted where it is. */
export function servedRoutes(resources: [mount: string, router: Router][]): ServedRoute[] {
  return resources.flatMap(([mount, router]) =>
    routesOf((router as unknown as { stack: Layer[] }).stack, mount),
  );
}

/** The methods `path` is served with, for a 405 that names them (empty: no such resource). */
export function methodsAt(routes: ServedRoute[]): (path: string) => string[] {
  const patterns = routes.map((route) => ({
    method: route.method,
    match: new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`),
  }));
  return (path) => [...new Set(patterns.filter((p) => p.match.test(path)).map((p) => p.method))];
}
