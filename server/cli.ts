/**
 * The `parley` command.
 *   parley demo    build what is missing, seed demo data on an empty database, serve on 127.0.0.1:3000
 *   parley serve   production: needs PARLEY_ADMIN_KEY and PARLEY_SECRET, seeds nothing
 *   parley flows validate FILE
 *   parley flows simulate FILE [--script LINES] [--name NAME] [--base-url URL]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Mode } from './config.ts';
import { DEMO_AGENT } from './core/seed.ts';
import { runFlowsCommand } from './flows-cli.ts';
import { createServer } from './server.ts';

const root = join(import.meta.dirname, '..');
const USAGE =
  'usage: parley demo | parley serve | parley flows validate FILE | parley flows simulate FILE [--script LINES] [--name NAME] [--base-url URL]';

/** Builds the widget and pages when a file the demo serves is missing. */
function buildIfMissing() {
  const needed = ['dist/widget/parley.js', 'dist/pages/index.html', 'dist/pages/agent/index.html'];
  if (needed.every((file) => existsSync(join(root, file)))) return;
  console.log('Building the widget and the demo pages (first run)…');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed; see the output above');
}

async function main(command: string | undefined) {
  if (command === 'flows') {
    process.exit(await runFlowsCommand(process.argv.slice(3)));
  }
  if (command !== 'demo' && command !== 'serve') {
    console.error(USAGE);
    process.exit(2);
  }
  const mode: Mode = command;
  const config = loadConfig(mode);
  if (mode === 'demo') buildIfMissing();
  const server = await createServer(config);
  const { url } = await server.listen(config.port, config.host);

  if (mode === 'demo') {
    console.log(`
  Parley demo is running.

    Shop with the widget   ${url}/
    Agent desktop          ${url}/agent     sign in as ${DEMO_AGENT.username} / ${DEMO_AGENT.password}
    npm import example     ${url}/npm-example
    Phone simulator (SMS)  ${url}/phone
    REST API               ${url}/v1        Authorization: Bearer ${config.adminKey}

  Data: ${config.dataDir}. Stop with Ctrl+C.
`);
  } else {
    console.log(`Parley listening on ${url}`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main(process.argv[2]).catch((err) => {
  console.error(err instanceof ConfigError ? `parley: ${err.message}` : err);
  process.exit(1);
});
