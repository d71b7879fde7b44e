/**
 * Where the built browser files are: the widget's script-tag build comes from the
 * `parley-webchat` package (its `dist/`), the agent desktop, the admin console and the demo
 * site from this package's `dist/desk`, `dist/admin` and `dist/demo`. Found from this file's own place, so it holds for the
 * repository (sources run by tsx), the compiled server and an installed package alike.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** The newest change under `dir` (its files, its folders' files), build output left out. */
function newestChange(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether the `built` files of a repository checkout are there, and newer than everything
 * they are built from (the widget, the desk and admin UIs, the demo site, the build's config).
 */
export function buildState(repo: string, built: string[]): 'missing' | 'stale' | 'current' {
  if (!built.every((file) => existsSync(file))) return 'missing';
  const builtAt = Math.min(...built.map((file) => statSync(file).mtimeMs));
  const config = join(repo, 'vite.config.ts');
  const sources = ['widget', join('server', 'ui'), 'demo-site'].map((dir) => newestChange(join(repo, dir)));
  const changedAt = Math.max(existsSync(config) ? statSync(config).mtimeMs : 0, ...sources);
  return changedAt > builtAt ? 'stale' : 'current';
}
