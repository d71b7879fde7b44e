/**
 * `parley admin create-user --username NAME [--name "FULL NAME"]`: creates a worker holding the
 * admin role (or gives an existing one the role, a new password and its account back), for
 * the admin console at /admin. The password is read from PARLEY_ADMIN_PASSWORD or the first
 * line of standard input, never from the command line, where other users of the machine see it.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { adminPasswordProblem, createAdminUser } from './admin-users.ts';
import { loadStoreConfig } from './config.ts';
import { createPostgresStore } from './store/postgres/index.ts';
import { createSqliteStore } from './store/sqlite/index.ts';

const USAGE =
  'usage: parley admin create-user --username NAME [--name "FULL NAME"]  (password from PARLEY_ADMIN_PASSWORD or stdin)';

async function readPasswordLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password for the new admin: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

/** Runs the subcommand; resolves to the exit code. */
export async function runAdminCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i] ?? '';
    const value = rest[i + 1];
    if (!['--username', '--name'].includes(flag) || value === undefined) {
      console.error(
        flag === '--password'
          ? 'parley admin: pass the password in PARLEY_ADMIN_PASSWORD or on stdin'
          : USAGE,
      );
      return 2;
    }
    options[flag.slice(2)] = value;
  }
  if (subcommand !== 'create-user' || !options.username) {
    const problem =
      subcommand !== 'create-user'
        ? `parley admin: ${subcommand ? `there is no "${subcommand}" command` : 'name a command'}; the one there is is create-user`
        : 'parley admin: --username is missing: the name the admin signs in with';
    console.error(`${problem}\n${USAGE}`);
    return 2;
  }
  const password = process.env.PARLEY_ADMIN_PASSWORD || (await readPasswordLine());
  const problem = adminPasswordProblem(password);
  if (problem) {
    console.error(`parley admin: ${problem}`);
    return 1;
  }
  const { dataDir, databaseUrl, sqliteSynchronous } = loadStoreConfig();
  const store = databaseUrl
    ? await createPostgresStore({ url: databaseUrl, max: 1, listen: false })
    : createSqliteStore({ file: join(dataDir, 'parley.db'), synchronous: sqliteSynchronous });
  try {
    const { worker, created } = await createAdminUser(store, {
      username: options.username,
      password,
      friendlyName: options.name,
    });
    console.log(
      created
        ? `Created admin ${options.username} (${worker.sid}): sign in at /admin`
        : `${options.username} (${worker.sid}) now holds the admin role, with the new password: sign in at /admin`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
