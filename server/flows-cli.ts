/**
 * `parley flows validate FILE` and `parley flows simulate FILE`: try a Studio-format flow
 * without a browser. Returns the process exit code.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { checkDefinition, type FlowDefinition, type ValidationProblem } from './core/bot/definition.ts';
import { simulate } from './core/bot/simulate.ts';

function load(file: string | undefined): {
  definition?: FlowDefinition;
  warnings?: ValidationProblem[];
  error?: string;
} {
  if (!file) return { error: 'name the flow file: parley flows validate FILE' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { error: `${file}: ${(err as Error).message}` };
  }
  // A flow exported from the REST API carries its definition inside.
  const definition = (parsed as { definition?: unknown }).definition ?? parsed;
  const { errors: problems, warnings } = checkDefinition(definition);
  if (problems.length > 0)
    return { error: `${file} is not a valid flow:\n${problems.map((p) => `  - ${p.message}`).join('\n')}` };
  return { definition: definition as FlowDefinition, warnings };
}

export async function runFlowsCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { script: { type: 'string' }, name: { type: 'string' }, 'base-url': { type: 'string' } },
  });
  const [verb, file] = positionals;
  if (verb !== 'validate' && verb !== 'simulate') {
    console.error(
      'usage: parley flows validate FILE | parley flows simulate FILE [--script LINES] [--name NAME] [--base-url URL]',
    );
    return 2;
  }
  const { definition, warnings = [], error } = load(file);
  if (!definition) {
    console.error(error);
    return 1;
  }
  for (const warning of warnings) console.log(`warning: ${warning.message}`);
  if (verb === 'validate') {
    console.log(
      `${file} is valid: ${definition.states.length} states, starting at "${definition.initial_state}"`,
    );
    return 0;
  }
  const input = values.script ? createReadStream(values.script) : process.stdin;
  if (!values.script && process.stdin.isTTY)
    console.log('Write as the visitor; /timeout fires a wait’s timeout; Ctrl+D ends.');
  const lines = createInterface({ input, terminal: false });
  const execution = await simulate(definition, lines, {
    name: values.name,
    baseUrl: values['base-url'] ?? null,
    print: (line) => console.log(line),
  });
  lines.close();
  return execution.status === 'ended' && execution.endReason?.includes('failed') ? 1 : 0;
}
