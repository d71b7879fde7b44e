/**
 * What `parley --help` and `parley COMMAND --help` print. Asking for help never runs the
 * command: `parley migrate --help` must not touch a database, `parley demo --help` must not
 * start a server.
 */

const CONFIGURATION =
  'Settings come from the environment (PORT, HOST, PARLEY_DATA_DIR, DATABASE_URL, REDIS_URL, …): see\nthe Configuration table of README.md and docs/deploy.md, both in the parley-server package.';

const COMMANDS: Record<string, { usage: string; summary: string; details?: string }> = {
  demo: {
    usage: 'parley demo',
    summary: 'the demo: seed demo data into an empty database, serve on 127.0.0.1:3000',
    details:
      'Serves the demo shop at /, the agent desktop at /agent and the admin console at /admin\n(sign in as agent / agent), the npm example and the phone simulator. Admin REST key:\ndemo-admin-key unless PARLEY_ADMIN_KEY is set. Not for production: use `parley serve`.',
  },
  serve: {
    usage: 'parley serve',
    summary: 'production: no demo pages, no demo data, listens on 0.0.0.0:3000',
    details:
      'Needs PARLEY_ADMIN_KEY and PARLEY_SECRET (16+ characters each; e.g. `openssl rand -hex 32`).\nServes the agent desktop (/agent), the admin console (/admin), the widget (/widget/parley.js)\nand the REST API (/v1); / is a short status page. Migrates the database on start.\nSIGTERM or SIGINT stops it gracefully.',
  },
  migrate: {
    usage: 'parley migrate',
    summary: "create or update the database's tables, then exit",
    details:
      'SQLite in PARLEY_DATA_DIR, or PostgreSQL when DATABASE_URL is set. `serve` migrates on start\ntoo; run this as its own step before an upgrade to see a failing migration early.',
  },
  doctor: {
    usage: 'parley doctor',
    summary: 'check configuration, port, data directory, database, Redis and SMTP; exit 1 on a problem',
    details:
      'Prints one line per check with ✓ or ✗, and for each ✗ the setting that fixes it. Run it as\nthe user and with the environment `parley serve` will have.',
  },
  admin: {
    usage: 'parley admin create-user --username NAME [--name "FULL NAME"]',
    summary: 'create an admin for the console at /admin (or make a worker one)',
    details:
      'The password comes from PARLEY_ADMIN_PASSWORD or the first line of standard input, never\nfrom the command line. An existing worker gets the admin role and the new password.',
  },
  flows: {
    usage:
      'parley flows check FILE... [--functions DIR]\n       parley flows validate FILE [SUBFLOW_FILE...]\n       parley flows simulate FILE [SUBFLOW_FILE...] [--script FILE] [--name NAME] [--base-url URL] [--functions DIR]',
    summary: 'check a bot flow (Studio JSON) or chat with it in the terminal',
    details:
      "check: every problem of one or more flows. validate: one flow and its subflows.\nsimulate: chat with the flow in the terminal (/timeout fires a wait's timeout); --script FILE\nreads the visitor's lines from a file; --functions DIR (or PARLEY_FUNCTIONS_DIR) runs\nrun-function widgets. See docs/flows.md.",
  },
};

/** `parley --help`: every command in a line. */
export function overallHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    'usage: parley COMMAND [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'parley COMMAND --help describes one command; parley --version prints the version.',
    CONFIGURATION,
  ].join('\n');
}

/** `parley COMMAND --help`, or undefined for a command Parley does not have. */
export function commandHelp(command: string): string | undefined {
  const entry = COMMANDS[command];
  if (!entry) return undefined;
  return [
    `usage: ${entry.usage}`,
    '',
    `${entry.summary}.`,
    ...(entry.details ? [entry.details] : []),
    '',
    CONFIGURATION,
  ].join('\n');
}

export const COMMAND_NAMES = Object.keys(COMMANDS);

/** Whether the arguments ask for help rather than for the command to run. */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
