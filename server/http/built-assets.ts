/**
 * Where the built browser files are: the widget's script-tag build comes from the
 * `parley-webchat` package (its `dist/`), the agent desktop, the admin console and the demo
 * site from this package's `dist/desk`, `dist/admin` and `dist/demo`. Found from this file's own place, so it holds for the
 * repository (sources run by tsx), the compiled server and an installed package alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface BuiltAssets {
  /** parley.js, the app chunks and the npm entry. */
  widgetDir: string;
  /** The agent desktop, served at /agent. */
  deskDir: string;
  /** The admin console, served at /admin. */
  adminDir: string;
  /** The demo shop, npm example, phone simulator and test pages (`parley demo` only). */
  demoDir: string;
}

/** The server package's root: the nearest folder above that holds parley-server's package.json. */
export function serverPackageRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'parley-server')
      return dir;
    if (dirname(dir) === dir) throw new Error(`parley-server's package.json not found above ${from}`);
  }
}

/**
 * The folders, or those under `distDir` (`widget/`, `desk/`, `demo/`) when given: a build of
 * one's own, as the browser tests make.
 */
export function builtAssets(distDir?: string): BuiltAssets {
  if (distDir) {
    return {
      widgetDir: join(distDir, 'widget'),
      deskDir: join(distDir, 'desk'),
      adminDir: join(distDir, 'admin'),
      demoDir: join(distDir, 'demo'),
    };
  }
  const root = serverPackageRoot();
  const widgetPackage = createRequire(join(root, 'package.json')).resolve('parley-webchat/package.json');
  return {
    widgetDir: join(dirname(widgetPackage), 'dist'),
    deskDir: join(root, 'dist/desk'),
    adminDir: join(root, 'dist/admin'),
    demoDir: join(root, 'dist/demo'),
  };
}
