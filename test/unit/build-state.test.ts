/**
 * `npm start` in a checkout builds the browser files when they are missing, and again when a
 * source they are built from changed after them (a `git pull`): never serves a stale widget.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildState } from '../../server/http/built-assets.ts';

let repo: string;
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'parley-build-state-'));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

/** Writes `path` under the repository, dated `secondsAgo` seconds ago. */
function file(path: string, secondsAgo: number) {
  const full = join(repo, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, 'x');
  const at = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(full, at, at);
  return full;
}

it('is missing until every built file is there, current when they are newer than the sources, stale after', () => {
  file('vite.config.ts', 100);
  file('package-lock.json', 100);
  file('server/core/routing/expression.ts', 90);
  file('widget/ui/app.tsx', 90);
  file('server/ui/desk/app.tsx', 90);
  file('demo-site/index.html', 90);
  const built = [file('widget/dist/parley.js', 50)];
  expect(buildState(repo, [...built, join(repo, 'server/dist/desk/index.html')])).toBe('missing');
  built.push(file('server/dist/desk/index.html', 50));
  expect(buildState(repo, built)).toBe('current');
  // Build output, dependencies, copies made when packing and notes are not sources, however new.
  file('widget/dist/later.js', 1);
  file('widget/node_modules/x/index.js', 1);
  file('server/docs/api.md', 1);
  file('server/README.md', 1);
  // A dangling link (an editor's lock file) is no source either, and breaks nothing.
  symlinkSync('nobody@host.1', join(repo, 'widget/ui/.#app.tsx'));
  expect(buildState(repo, built)).toBe('current');
  for (const source of [
    'widget/ui/app.tsx',
    'server/ui/desk/app.tsx',
    'server/core/routing/expression.ts',
    'demo-site/index.html',
    'vite.config.ts',
    'package-lock.json',
  ]) {
    file(source, 10);
    expect(buildState(repo, built), source).toBe('stale');
    file(source, 90);
  }
});
