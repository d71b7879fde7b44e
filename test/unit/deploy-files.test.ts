/**
 * The deployment files in deploy/, checked as far as this machine allows: Docker cannot run
 * here, so the Dockerfile and the compose file are read; the nginx config goes through
 * `nginx -t` and the systemd unit through `systemd-analyze verify` when those tools exist.
 * Above all: every variable they set for Parley is one Parley reads, so a misspelt
 * PARLEY_SECRET cannot hide in a sample an operator copies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const deploy = (file: string) => readFileSync(join(root, 'deploy', file), 'utf8');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * Names the server reads from its environment: config.ts and config-sections.ts, and any direct
 * `process.env.X`.
 */
function variablesParleyReads(): Set<string> {
  const names = new Set<string>();
  const config = ['server/config.ts', 'server/config-sections.ts']
    .map((file) => readFileSync(join(root, file), 'utf8'))
    .join('\n');
  for (const [, name] of config.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)) names.add(name as string);
  for (const [, name] of config.matchAll(/'((?:PARLEY|AWS)_[A-Z0-9_]+)'/g)) names.add(name as string);
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        for (const [, name] of readFileSync(path, 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) {
          names.add(name as string);
        }
      }
    }
  };
  visit(join(root, 'server'));
  // Read by Node libraries rather than Parley: Express turns off its development behaviour.
  names.add('NODE_ENV');
  return names;
}

/**
 * The `environment:` keys of the Parley services in the compose file (the `x-parley` block
 * and every service named parley-*), by indentation: the file is ours and kept that simple.
 */
function composeParleyVariables(text: string): string[] {
  const names: string[] = [];
  let section = '';
  let service = '';
  let envIndent = -1;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) section = line.split(':')[0] as string;
    if (indent === 2) service = line.trim().split(':')[0] as string;
    if (envIndent >= 0 && indent <= envIndent) envIndent = -1;
    if (envIndent >= 0) {
      names.push(/^\s*([A-Za-z0-9_]+):/.exec(line)?.[1] ?? `unreadable line: ${line}`);
      continue;
    }
    const ours = section === 'x-parley' || (section === 'services' && service.startsWith('parley'));
    if (ours && line.trim() === 'environment:') envIndent = indent;
  }
  return names;
}

/** KEY=value names of a unit's `Environment=` lines. */
function unitVariables(text: string): string[] {
  return [...text.matchAll(/^Environment=(.*)$/gm)].flatMap(([, assignments]) =>
    (assignments as string).split(/\s+/).map((pair) => pair.replace(/^"/, '').split('=')[0] as string),
  );
}

/** Names in an env file, set or commented out as an example (`#NAME=`). */
function envFileVariables(text: string): string[] {
  return [...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name as string);
}

/** Names the Dockerfile's ENV instructions set (continued lines included). */
function dockerfileVariables(text: string): string[] {
  const joined = text.replace(/\\\n/g, ' ');
  return [...joined.matchAll(/^ENV\s+(.*)$/gm)].flatMap(([, rest]) =>
    [...(rest as string).matchAll(/([A-Z][A-Z0-9_]*)=/g)].map(([, name]) => name as string),
  );
}

describe('deployment files', () => {
  const reads = variablesParleyReads();
  const compose = deploy('docker-compose.yml');

  it('set only variables Parley reads (compose, systemd unit, env samples, Dockerfile)', () => {
    expect(reads).toContain('PARLEY_TRUST_PROXY');
    const sets = {
      'docker-compose.yml': composeParleyVariables(compose),
      'parley.service': unitVariables(deploy('parley.service')),
      'parley.env.example': envFileVariables(deploy('parley.env.example')),
      Dockerfile: dockerfileVariables(deploy('Dockerfile')),
    };
    for (const [file, names] of Object.entries(sets)) {
      expect(names.length, file).toBeGreaterThan(2);
      expect(
        names.filter((name) => !reads.has(name)),
        `${file} sets what Parley never reads`,
      ).toEqual([]);
    }
    expect(sets['docker-compose.yml']).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'PARLEY_SECRET']),
    );
  });

  it('give compose every value it interpolates through the .env sample', () => {
    const interpolated = new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)/g)].map(([, name]) => name));
    const sample = envFileVariables(deploy('.env.example'));
    expect([...interpolated].sort()).toEqual([...new Set(sample)].sort());
  });

  it('run two Parley nodes on PostgreSQL and Redis, behind the proxy, which alone publishes ports', () => {
    const services = [...compose.matchAll(/^ {2}([a-z0-9-]+):\s*$/gm)].map(([, name]) => name);
    expect(services).toEqual(expect.arrayContaining(['parley-1', 'parley-2', 'postgres', 'redis', 'proxy']));
    expect(compose.match(/^ {4}ports:/gm)).toHaveLength(1);
    expect(compose).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    const nginx = deploy('nginx.conf');
    for (const node of ['parley-1', 'parley-2']) expect(nginx).toContain(`server ${node}:3000`);
  });

  it('proxy with sticky sessions, WebSocket upgrades and the client address Parley trusts', () => {
    const nginx = deploy('nginx.conf');
    expect(nginx).toMatch(/upstream parley \{[^}]*\bip_hash;/);
    expect(nginx).toContain('proxy_http_version 1.1;');
    expect(nginx).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(nginx).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(nginx).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    // One hop (nginx) in front of the nodes: the compose file trusts exactly that.
    expect(compose).toMatch(/PARLEY_TRUST_PROXY: "1"/);
  });

  it.skipIf(!has('nginx') || !has('openssl'))('has an nginx config that nginx -t accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
    temps.push(dir);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'privkey.pem'),
        '-out',
        join(dir, 'fullchain.pem'),
      ],
      { stdio: 'pipe' },
    );
    // The compose service names resolve only on the compose network.
    const config = deploy('nginx.conf')
      .replaceAll('/etc/nginx/certs', dir)
      .replace(/parley-\d:3000/g, '127.0.0.1:3000');
    writeFileSync(join(dir, 'nginx.conf'), config);
    const result = spawnSync(
      'nginx',
      ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir, '-g', `pid ${dir}/nginx.pid; error_log stderr;`],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('test is successful');
  });

  it('build a multi-stage image that runs the server as a non-root user with a health check', () => {
    const dockerfile = deploy('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
    const user = /^USER (\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    const entry = /^ENTRYPOINT \["node", "([^"]+)"\]/m.exec(dockerfile)?.[1];
    expect(entry, 'ENTRYPOINT runs a file with node').toBeDefined();
    expect(existsSync(join(root, entry as string)), `${entry} exists`).toBe(true);
    expect(dockerfile).toMatch(/^CMD \["serve"\]/m);
    // Whatever the runtime stage copies must exist in the repository or be built.
    for (const [, path] of dockerfile.matchAll(/^COPY --from=build \/app\/(\S+)/gm)) {
      const built = path === 'dist' || path === 'node_modules';
      expect(built || existsSync(join(root, path as string)), `${path}`).toBe(true);
    }
  });

  it('install a systemd unit that runs parley serve, restarts it, and stops it with SIGTERM', () => {
    const unit = deploy('parley.service');
    expect(unit).toMatch(
      /^ExecStart=\/usr\/bin\/node \/opt\/parley\/node_modules\/parley-server\/bin\/parley\.js serve$/m,
    );
    expect(unit).toMatch(/^User=parley$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^StateDirectory=parley$/m);
    expect(unit).toMatch(/^Environment=PARLEY_DATA_DIR=\/var\/lib\/parley$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/parley\/parley\.env$/m);
  });

  it.skipIf(!has('systemd-analyze'))('has a unit systemd-analyze verify finds nothing wrong with', () => {
    const result = spawnSync('systemd-analyze', ['verify', join(root, 'deploy/parley.service')], {
      encoding: 'utf8',
    });
    // verify exits 0 even for unknown keys; what it prints about the file is the finding.
    expect(
      `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('parley.service')),
    ).toEqual([]);
  });
});
