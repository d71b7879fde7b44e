/**
 * The `parley` command.
 *   parley demo    build what is missing, seed demo data on an empty database, serve on 127.0.0.1:3000
 *   parley serve   production: needs PARLEY_ADMIN_KEY and PARLEY_SECRET, seeds nothing
 *   parley migrate create or update the database's tables, then exit (serve and demo do it too)
 *   parley doctor  check configuration, data directory, database, Redis and SMTP; exit 1 on a problem
 *   parley admin create-user --username NAME [--name "FULL NAME"]   password from PARLEY_ADMIN_PASSWORD or stdin
 *   parley flows validate FILE
 *   parley flows simulate FILE [--script FILE] [--name NAME] [--base-url URL]
 *   parley --help, parley COMMAND --help   (cli-help.ts)
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdminCommand } from './admin-cli.ts';
import { COMMAND_NAMES, commandHelp, overallHelp, wantsHelp } from './cli-help.ts';
import {
  ConfigError,
  DEMO_ADMIN_KEY,
  loadConfig,
  loadStoreConfig,
  type Mode,
  misnamedSettings,
} from './config.ts';
import { DEMO_AGENT } from './core/seed.ts';
import { checkRedis, redact, runDoctor } from './doctor.ts';
import { ParleyError } from './errors.ts';
import { runFlowsCommand } from './flows-cli.ts';
import { buildState, builtAssets, serverPackageRoot } from './http/built-assets.ts';
import { createServer, type ParleyServer } from './server.ts';
import { createPostgresStore } from './store/postgres/index.ts';
import { createSqliteStore } from './store/sqlite/index.ts';

/**
 * Builds the widget, the desk and the demo pages when a file the demo serves is missing (the
 * first `npm start` in the repository) or older than the sources it is built from (after a
 * `git pull`, say). An installed package ships them built.
 */
function buildIfNeeded() {
  const { widgetDir, deskDir, adminDir, demoDir } = builtAssets();
  const needed = [
    join(widgetDir, 'parley.js'),
    join(deskDir, 'index.html'),
    join(adminDir, 'index.html'),
    join(demoDir, 'index.html'),
  ];
  const repo = join(serverPackageRoot(), '..');
  if (!existsSync(join(repo, 'vite.config.ts'))) {
    // An installed package: built when packed, with no sources to build from.
    if (needed.every((file) => existsSync(file))) return;
    throw new Error(`The built pages are missing (${needed.join(', ')}): reinstall parley-server`);
  }
  const state = buildState(repo, needed);
  if (state === 'current') return;
  console.log(
    state === 'missing'
      ? 'Building the widget, the agent desktop and the demo pages (first run)…'
      : 'Building the widget, the agent desktop and the demo pages again: their sources changed since the last build…',
  );
  const result = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (result.status === 0) return;
  if (state === 'missing') throw new Error('npm run build failed; see the output above');
  // The last build still serves: older than the sources, but a demo that starts.
  console.error('npm run build failed (see above): serving the last build, which is older than the sources');
}

async function main(command: string | undefined) {
  if (command === '--version' || command === 'version') {
    const pkg = JSON.parse(readFileSync(join(serverPackageRoot(), 'package.json'), 'utf8')) as {
      version: string;
    };
    console.log(pkg.version);
    process.exit(0);
  }
  if (command === undefined) {
    console.error(overallHelp());
    process.exit(2);
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = process.argv[3];
    const text = topic === undefined ? overallHelp() : commandHelp(topic);
    if (text === undefined) return unknownCommand(topic as string);
    console.log(text);
    process.exit(0);
  }
  if (!COMMAND_NAMES.includes(command)) return unknownCommand(command);
  // Help never runs the command: `parley migrate --help` touches no database.
  if (wantsHelp(process.argv.slice(3))) {
    console.log(commandHelp(command));
    process.exit(0);
  }
  if (command === 'flows') {
    process.exit(await runFlowsCommand(process.argv.slice(3)));
  }
  if (command === 'admin') {
    process.exit(await runAdminCommand(process.argv.slice(3)));
  }
  if (command === 'migrate') {
    await migrate();
    process.exit(0);
  }
  if (command === 'doctor') {
    process.exit(await runDoctor());
  }
  const mode = command as Mode;
  const config = loadConfig(mode);
  for (const warning of misnamedSettings()) console.warn(`parley: ${warning}`);
  if (mode === 'demo') buildIfNeeded();
  if (config.redisUrl) await requireRedis(config.redisUrl);
  const server = await createServer(config);
  // Before anything is printed: whoever waits for the URL may signal as soon as they see it.
  stopOnSignals(server);
  const { url } = await server.listen(config.port, config.host);

  if (mode === 'demo') {
    // A key of one's own is a secret, and this banner ends up in terminals' and services' logs.
    const shownKey = config.adminKey === DEMO_ADMIN_KEY ? DEMO_ADMIN_KEY : '$PARLEY_ADMIN_KEY';
    console.log(`
  Parley demo is running.

    Shop with the widget   ${url}/
    Agent desktop          ${url}/agent     sign in as ${DEMO_AGENT.username} / ${DEMO_AGENT.password}
    Admin console          ${url}/admin     the same account
    npm import example     ${url}/npm-example
    Phone simulator (SMS)  ${url}/phone
    REST API               ${url}/v1        Authorization: Bearer ${shownKey}

  Data: ${config.dataDir}. Stop with Ctrl+C.
`);
  } else {
    console.log(`Parley listening on ${url}`);
  }
}

/**
 * Redis must answer before the server starts: its client would otherwise retry an unreachable
 * URL for ever, logging each attempt, without the server ever listening. A service manager
 * (systemd's Restart=, compose's restart:) starts it again once Redis is up.
 */
async function requireRedis(url: string) {
  const result = await checkRedis(url);
  if (result.ok === false) {
    throw new ConfigError(
      `Redis does not answer: ${result.detail}. Check REDIS_URL and that Redis runs; run \`parley doctor\` to check the whole configuration`,
    );
  }
}

function unknownCommand(command: string): never {
  console.error(`parley: there is no command "${command}"\n\n${overallHelp()}`);
  process.exit(2);
}

/** Opens the store, which migrates it (under a lock on PostgreSQL), and closes it. */
async function migrate() {
  const { dataDir, databaseUrl, sqliteSynchronous } = loadStoreConfig();
  const store = databaseUrl
    ? await createPostgresStore({ url: databaseUrl, max: 1, listen: false })
    : createSqliteStore({ file: join(dataDir, 'parley.db'), synchronous: sqliteSynchronous });
  await store.close();
  const where = databaseUrl ? `PostgreSQL ${redact(databaseUrl)}` : `SQLite ${join(dataDir, 'parley.db')}`;
  console.log(`Migrated: ${where} is up to date.`);
}

/**
 * SIGTERM and SIGINT stop the server gracefully (stop accepting, finish running writes, close
 * sockets and the database) and exit 0; a second signal, or 10 s without finishing, exits 1
 * at once. The handlers also make it stop as a container's PID 1, which has no default ones.
 *
 * `npx parley` and `npm start` run Parley under `sh -c`, and on SIGTERM npm passes the signal
 * to that shell, which dies without passing it on: Parley would run on, orphaned. So when
 * started by npm, a change of parent process is taken as the signal.
 */
function stopOnSignals(server: ParleyServer) {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) {
      console.log(`${reason}: stopping now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${reason}: shutting down…`);
    const force = setTimeout(() => {
      console.error('shutdown took longer than 10 s: exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      void stop('npm stopped');
    }, 250);
    watch.unref();
  }
}

main(process.argv[2]).catch((err) => {
  const known =
    err instanceof ConfigError || (err instanceof ParleyError && err.code === 'invalid_options')
      ? err.message
      : startupProblem(err);
  console.error(known ? `parley: ${known}` : err);
  process.exit(1);
});

/** The failures a first start commonly meets, said with the setting that fixes them. */
function startupProblem(err: unknown): string | undefined {
  const { code, address, port, hostname } = err as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
    hostname?: string;
  };
  const doctor = 'run `parley doctor` to check the whole configuration';
  if (code === 'EADDRINUSE') {
    return `port ${port} on ${address} is already in use: set PORT to a free port, or stop the process using it`;
  }
  if (code === 'EACCES' && port !== undefined) {
    return `not allowed to listen on port ${port}: ports below 1024 need privileges; set PORT to 1024 or above (e.g. 3000) behind a reverse proxy`;
  }
  if (code === 'ENOTFOUND' && process.env.HOST && hostname === process.env.HOST) {
    return `HOST=${process.env.HOST} does not resolve to an address of this machine: set HOST to 0.0.0.0, 127.0.0.1 or one of its addresses`;
  }
  if (
    process.env.DATABASE_URL &&
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', '28P01', '3D000'].includes(code ?? '')
  ) {
    return `cannot use the database at DATABASE_URL=${redact(process.env.DATABASE_URL)} (${(err as Error).message}): check that PostgreSQL runs there and the URL's user, password and database are right; ${doctor}`;
  }
  if (process.env.REDIS_URL && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code ?? '')) {
    return `cannot reach Redis at REDIS_URL=${redact(process.env.REDIS_URL)} (${(err as Error).message}); ${doctor}`;
  }
  return undefined;
}
