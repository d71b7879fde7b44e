/**
 * The two packages as a customer gets them: packed by npm (what ships, and what does not),
 * then installed into empty projects. The widget installs alone, with nothing native, and a
 * Vite app bundles it; the server installs from its tarball and serves under plain node.
 * Installs use npm's cache (filled by the repository's own install), not a registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'parley-packages-'));

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

async function pack(workspace: string): Promise<Packed> {
  const { stdout } = await run(
    'npm',
    ['pack', '--workspace', workspace, '--pack-destination', work, '--json', '--ignore-scripts=false'],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Packed[];
  if (!packed) throw new Error(`npm pack ${workspace} printed nothing`);
  console.info(
    `${packed.filename}: ${(packed.size / 1024).toFixed(0)} KB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked, ${packed.files.length} files`,
  );
  return packed;
}

/** An empty npm project in a folder of its own. */
function project(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

let widget: Packed;
let server: Packed;

beforeAll(async () => {
  // The packages ship what `npm run build` made (test/global-setup.ts runs it first).
  for (const file of ['widget/dist/parley.js', 'server/dist/index.js', 'server/dist/desk/index.html']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build`);
  }
  widget = await pack('widget');
  server = await pack('server');
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('parley-webchat, packed', () => {
  it('holds the script-tag build, the ESM entry and its types, and no sources or tests', () => {
    const paths = widget.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/parley.js',
        'dist/index.js',
        'dist/index.d.ts',
      ]),
    );
    expect(paths.filter((p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|fixtures|\.vite)\//.test(p))).toEqual([]);
  });

  it('installs with nothing native and no other package, and a Vite app bundles it', {
    timeout: 180_000,
  }, async () => {
    const dir = project('vite-app');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, widget.filename)], {
      cwd: dir,
    });
    const installed = readdirSync(join(dir, 'node_modules')).filter((d) => !d.startsWith('.'));
    expect(installed).toEqual(['parley-webchat']);
    const native = readdirSync(join(dir, 'node_modules/parley-webchat'), { recursive: true }).filter((f) =>
      String(f).endsWith('.node'),
    );
    expect(native).toEqual([]);

    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>',
    );
    writeFileSync(
      join(dir, 'main.js'),
      "import { createWebchat } from 'parley-webchat';\ncreateWebchat({ flexFlowSid: 'FO0123', serverUrl: 'https://chat.example.com' });\n",
    );
    await run(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error'], { cwd: dir });
    const assets = readdirSync(join(dir, 'dist/assets'));
    expect(assets.some((f) => f.endsWith('.js'))).toBe(true);
  });
});

describe('parley-server, packed', () => {
  it('holds the compiled server with declarations, the desk, the admin console, the docs and the command; no sources or tests', () => {
    const paths = server.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'bin/parley.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli.js',
        'dist/desk/index.html',
        'dist/admin/index.html',
        'docs/api.md',
        'docs/deploy.md',
      ]),
    );
    expect(paths.filter((p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|fixtures)\//.test(p))).toEqual([]);
  });

  it('installs from its tarball and serves under plain node', { timeout: 600_000 }, async () => {
    const dir = project('server-app');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ops', private: true, type: 'module' }));
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(work, widget.filename),
        join(work, server.filename),
      ],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
    );
    const script = `
      const { createServer } = await import('parley-server');
      const server = await createServer({ dataDir: ${JSON.stringify(join(dir, 'data'))}, adminKey: 'k'.repeat(32), secret: 's'.repeat(32) });
      const { url } = await server.listen(0, '127.0.0.1');
      const health = await fetch(url + '/healthz').then((r) => r.json());
      const loader = await fetch(url + '/widget/parley.js');
      const desk = await fetch(url + '/agent');
      const admin = await fetch(url + '/admin');
      console.log(JSON.stringify({ health, loader: loader.status, desk: desk.status, admin: admin.status }));
      await server.close();
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    // The server logs JSON lines to stdout too; the script's answer is the one with health in it.
    const answer = stdout.split('\n').find((line) => line.startsWith('{"health"'));
    expect(JSON.parse(answer ?? 'null')).toEqual({
      health: { status: 'ok' },
      loader: 200,
      desk: 200,
      admin: 200,
    });
  });
});
