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

/** Folders under a source folder that hold no sources: build output, packages, copies made when packing. */
const NOT_SOURCES = new Set(['dist', 'node_modules', 'docs', 'deploy']);

/** The newest change to a source under `dir` (links and Markdown left out). */
function newestChange(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_SOURCES.has(entry.name)) newest = Math.max(newest, newestChange(path));
    } else if (entry.isFile() && !entry.name.endsWith('.md')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Whether the `built` files of a repository checkout are there, and newer than everything
 * they are built from: the widget, the server (the desk and the admin console import its
 * protocol, its routing expressions…), the demo site, the build's config and the locked
 * dependencies.
 */
export function buildState(repo: string, built: string[]): 'missing' | 'stale' | 'current' {
  if (!built.every((file) => existsSync(file))) return 'missing';
  const builtAt = Math.min(...built.map((file) => statSync(file).mtimeMs));
  const files = ['vite.config.ts', 'package-lock.json'].map((file) => join(repo, file));
  const changedAt = Math.max(
    ...files.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)),
    ...['widget', 'server', 'demo-site'].map((dir) => newestChange(join(repo, dir))),
  );
  return changedAt > builtAt ? 'stale' : 'current';
}
