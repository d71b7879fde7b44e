/**
 * `parley flows check|validate|simulate`: try Studio-format flows without a browser. A file
 * holds a definition, or a flow as Studio's API or Twilio's CLI exports it (`{sid,
 * definition}`); a flow's subflows are found among the other files given, by their sid.
 * Returns the process exit code.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { checkDefinition, type FlowDefinition, type ValidationProblem } from './core/bot/definition.ts';
import { jsonErrorAt, readDefinition } from './core/bot/definition-input.ts';
import type { SubflowDefinitions } from './core/bot/engine.ts';
import { checkReferences } from './core/bot/references.ts';
import { simulate } from './core/bot/simulate.ts';

const USAGE = `usage: parley flows check FILE... [--functions DIR]
       parley flows validate FILE [SUBFLOW_FILE...]
       parley flows simulate FILE [SUBFLOW_FILE...] [--script LINES] [--name NAME] [--base-url URL] [--functions DIR]`;

interface FlowFile {
  file: string;
  /** The flow's sid when the file carries one (an export), for run-subflow to find it. */
  sid?: string;
  definition?: FlowDefinition;
  /** The widget type of every state, valid or not. */
  types?: string[];
  errors: ValidationProblem[];
  warnings: ValidationProblem[];
}

function readFlowFile(file: string): FlowFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { file, errors: [{ state: null, message: (err as Error).message }], warnings: [] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      file,
      errors: [{ state: null, message: `not valid JSON: ${jsonErrorAt(text, err as Error)}` }],
      warnings: [],
    };
  }
  const exported = (Array.isArray(parsed) ? parsed[0] : parsed) as { sid?: unknown } | null;
  const sid = typeof exported?.sid === 'string' ? exported.sid : undefined;
  const read = readDefinition(parsed);
  if (read.problem !== undefined)
    return { file, sid, errors: [{ state: null, message: `the definition ${read.problem}` }], warnings: [] };
  const { errors, warnings } = checkDefinition(read.definition);
  const states = (read.definition as { states?: unknown })?.states;
  return {
    file,
    sid,
    types: Array.isArray(states) ? states.map((s) => String((s as { type?: unknown })?.type)) : [],
    errors,
    warnings,
    ...(errors.length === 0 && { definition: read.definition as FlowDefinition }),
  };
}

/** The flows among `files` a run-subflow can reach, by sid, as the engine and the checks want them. */
function subflowsOf(files: FlowFile[]): SubflowDefinitions {
  const found = new Map<string, { revision: number; definition: FlowDefinition }>();
  for (const f of files)
    if (f.sid && f.definition) {
      found.set(f.sid, { revision: 1, definition: f.definition });
      found.set(`${f.sid}@1`, { revision: 1, definition: f.definition });
    }
  return found;
}

/** Adds the warnings for subflows and Functions that are not here (workflows need a server). */
async function checkFiles(files: FlowFile[], functionsDir: string | undefined) {
  const subflows = subflowsOf(files);
  for (const f of files) {
    if (!f.definition) continue;
    const references = await checkReferences(f.definition, {
      flows: {
        get: async (sid) => {
          const s = subflows.get(sid);
          return s
            ? {
                sid,
                friendlyName: sid,
                revision: 1,
                definition: s.definition,
                dateCreated: '',
                dateUpdated: '',
              }
            : null;
        },
        getRevision: async (sid, revision) => subflows.get(`${sid}@${revision}`)?.definition ?? null,
      },
      functionsDir,
      flowSid: f.sid,
    });
    // Here an unknown subflow is one whose export was not given on the command line.
    f.warnings.push(
      ...references.map((w) =>
        w.message.includes('no flow of that sid exists here')
          ? {
              ...w,
              message: w.message.replace(
                /no flow of that sid exists here\. .*$/,
                'no file given holds it; add its export (with its sid) to the command line, and upload it to Parley before this flow',
              ),
            }
          : w,
      ),
    );
  }
  return subflows;
}

/** One flow's compatibility report: its widgets by type, then what does not run and why. */
function report(f: FlowFile): string[] {
  const lines: string[] = [];
  const unsupported = f.errors.filter((e) => e.field === 'type');
  const refused = new Set(
    unsupported.map((e) => e.message.match(/(?:is an?|unknown widget type) "?([\w-]+)"?/)?.[1]),
  );
  const counts = new Map<string, number>();
  for (const type of f.types ?? []) if (!refused.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  const listing = (e: ValidationProblem) => e.message.startsWith('the widget types Parley runs are');
  const other = f.errors.filter((e) => e.field !== 'type' && !listing(e));
  const known = f.errors.find(listing);
  lines.push(`${f.file}${f.sid ? ` (${f.sid})` : ''}`);
  if (counts.size > 0)
    lines.push(`  supported:   ${[...counts].map(([type, n]) => `${type} ×${n}`).join(', ')}`);
  if (unsupported.length > 0) {
    lines.push('  unsupported:');
    for (const e of unsupported) lines.push(`    - ${e.message}`);
  }
  if (other.length > 0) {
    lines.push('  problems:');
    for (const e of other) lines.push(`    - ${e.message}`);
  }
  if (f.warnings.length > 0) {
    lines.push('  warnings:');
    for (const w of f.warnings) lines.push(`    - ${w.message}`);
  }
  if (known) lines.push(`  (${known.message})`);
  lines.push(
    f.definition
      ? `  => runs on Parley${f.warnings.length ? ` (${f.warnings.length} warning${f.warnings.length > 1 ? 's' : ''})` : ''}`
      : '  => does not run on Parley until the problems above are fixed',
  );
  return lines;
}

/**
 * `parley flows check`'s report of `names` (flow files): each flow's widgets, what does not
 * run and why, its warnings, then how many of them run.
 */
export async function compatibilityReport(
  names: string[],
  functionsDir?: string,
): Promise<{ text: string; runs: number; total: number }> {
  const files = names.map(readFlowFile);
  await checkFiles(files, functionsDir);
  const runs = files.filter((f) => f.definition).length;
  const summary = `${runs} of ${files.length} flow${files.length > 1 ? 's' : ''} run on Parley.`;
  return { text: `${files.flatMap(report).join('\n')}\n\n${summary}`, runs, total: files.length };
}

export async function runFlowsCommand(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [verb, ...names] = positionals;
  if ((verb !== 'check' && verb !== 'validate' && verb !== 'simulate') || names.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const functionsDir = values.functions ?? process.env.PARLEY_FUNCTIONS_DIR;
  if (verb === 'check') {
    const { text, runs, total } = await compatibilityReport(names, functionsDir);
    console.log(text);
    return runs === total ? 0 : 1;
  }
  const files = names.map(readFlowFile);
  const subflows = await checkFiles(files, functionsDir);

  const [main] = files as [FlowFile];
  if (!main.definition) {
    console.error(
      `${main.file} is not a valid flow:\n${main.errors.map((p) => `  - ${p.message}`).join('\n')}`,
    );
    return 1;
  }
  for (const warning of main.warnings) console.log(`warning: ${warning.message}`);
  if (verb === 'validate') {
    console.log(
      `${main.file} is valid: ${main.definition.states.length} states, starting at "${main.definition.initial_state}"`,
    );
    return 0;
  }
  if (!values['base-url']) {
    const relative = main.definition.states.filter(
      (state) =>
        state.type === 'make-http-request' &&
        typeof state.properties?.url === 'string' &&
        !/^\s*https?:\/\//i.test(state.properties.url),
    );
    for (const state of relative) {
      console.log(
        `note: "${state.name}" calls a relative URL (${state.properties.url}); pass --base-url (e.g. --base-url http://127.0.0.1:3000) to resolve it`,
      );
    }
  }
  const input = values.script ? createReadStream(values.script) : process.stdin;
  if (!values.script && process.stdin.isTTY)
    console.log('Write as the visitor; /timeout fires a wait’s timeout; Ctrl+D ends.');
  const lines = createInterface({ input, terminal: false });
  const execution = await simulate(main.definition, lines, {
    name: values.name,
    baseUrl: values['base-url'] ?? null,
    print: (line) => console.log(line),
    subflows,
    functionsDir,
  });
  lines.close();
  return execution.status === 'ended' && execution.endReason?.includes('failed') ? 1 : 0;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      script: { type: 'string' },
      name: { type: 'string' },
      'base-url': { type: 'string' },
      functions: { type: 'string' },
    },
  });
}
