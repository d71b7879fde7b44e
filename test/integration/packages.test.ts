/**
 * The two packages as a customer gets them: packed by npm (what ships, and what does not),
 * then installed into empty projects. The widget installs alone, with nothing native, and a
 * Vite app bundles it; the server installs from its tarball and serves under plain node.
 * Installs use npm's cache (filled by the repository's own install), not a registry.
 */
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackProcess } from '../helpers/processes.ts';
import { descendants, gone } from './serve-helpers.ts';

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

  it('resolves every relative link of its README and docs inside the package', () => {
    const paths = new Set(server.files.map((f) => f.path));
    const folders = new Set(
      [...paths].flatMap((p) =>
        p
          .split('/')
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
      ),
    );
    const pages = [...paths].filter((p) => p.endsWith('.md'));
    const broken: string[] = [];
    for (const page of pages) {
      // The packed README and docs are copies of the repository's (the package's prepack).
      const text = readFileSync(join(root, page.startsWith('docs/') ? page : basename(page)), 'utf8');
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(link as string)) continue;
        const target = (link as string).split('#')[0] as string;
        if (target === '') continue;
        const resolved = normalize(join(dirname(page), target)).replace(/\/$/, '');
        if (!paths.has(resolved) && !folders.has(resolved)) broken.push(`${page} → ${link}`);
      }
    }
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md', 'docs/deploy.md']));
    expect(broken).toEqual([]);
  });

  /** The project the server was installed into, for the tests after the install. */
  let app = '';

  it('installs from its tarball and serves under plain node', { timeout: 600_000 }, async () => {
    const dir = project('server-app');
    app = dir;
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

  it('types a strict TypeScript consumer of its public API without an error', {
    timeout: 120_000,
  }, async () => {
    expect(app, 'the install above worked').not.toBe('');
    writeFileSync(
      join(app, 'consumer.ts'),
      [
        "import { createServer, ParleyError, type ParleyServer, type ServerOptions } from 'parley-server';",
        "import { parleyHttpClient } from 'parley-server/twilio';",
        "const options: ServerOptions = { dataDir: './data', adminKey: 'k'.repeat(32), secret: 's'.repeat(32) };",
        'const server: ParleyServer = await createServer(options);',
        "const { url } = await server.listen(0, '127.0.0.1');",
        "server.core.events.on('message.created', (message) => console.log(message.body));",
        'console.log(url, ParleyError.name, typeof parleyHttpClient);',
        'await server.close();',
        '',
      ].join('\n'),
    );
    // skipLibCheck off: an error in Parley's own declarations, or a type they need that the
    // install did not bring (such as @types/express), counts too.
    const compilerOptions = {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'ES2022',
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    const typecheck = await run(join(root, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: app }).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout }),
    );
    expect(typecheck.stdout).toBe('');
  });

  it('gives its command: --help lists every command, and `npx parley serve` shows no demo shop and stops on SIGTERM', {
    timeout: 120_000,
  }, async () => {
    expect(app, 'the install above worked').not.toBe('');
    const parley = join(app, 'node_modules/.bin/parley');
    const help = await run(parley, ['--help'], { cwd: app });
    for (const command of ['demo', 'serve', 'migrate', 'doctor', 'admin', 'flows']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }

    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')),
    );
    const npx = trackProcess(
      spawn('npx', ['--no-install', 'parley', 'serve'], {
        cwd: app,
        env: {
          ...inherited,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          PARLEY_ADMIN_KEY: 'k'.repeat(32),
          PARLEY_SECRET: 's'.repeat(32),
          PARLEY_DATA_DIR: join(app, 'serve-data'),
        },
      }),
      'npx parley serve (installed package)',
    );
    let output = '';
    const exited = new Promise((resolve) => npx.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk;
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
        if (match) resolve(match[0]);
      };
      npx.stdout?.on('data', read);
      npx.stderr?.on('data', read);
      void exited.then(() => reject(new Error(`npx parley serve exited:\n${output}`)));
    });
    const below = descendants(npx.pid as number);
    try {
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      const page = await home.text();
      expect(page).toContain('Parley is running');
      expect(page).not.toContain('<script');
      expect((await fetch(`${url}/phone`)).status).toBe(404);
      expect((await fetch(`${url}/agent`)).status).toBe(200);

      const signalled = Date.now();
      npx.kill('SIGTERM');
      await exited;
      await gone(below, 8_000);
      console.info(`npx parley serve (installed): stopped ${Date.now() - signalled} ms after SIGTERM`);
    } finally {
      for (const pid of below) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
});
