/**
 * `npm run attack [-- --scale N] [-- --only NAME]`: the attack suite at full size against a
 * fresh `parley demo` on loopback; prints the figures as a Markdown table and exits non-zero
 * if any attack was not absorbed.
 */
import { parseArgs } from 'node:util';
import { ATTACKS } from './attacks.ts';
import { formatReports, runAttacks } from './suite.ts';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '2' }, only: { type: 'string' } },
});
const scale = Number(values.scale);
const attacks = values.only ? ATTACKS.filter((a) => a.name.includes(values.only as string)) : ATTACKS;
const reports = await runAttacks(attacks, scale, (r) =>
  console.log(`${r.absorbed ? 'absorbed' : 'NOT ABSORBED'}: ${r.name} (${r.seen})`),
);
console.log(`\nscale ${scale}, ${new Date().toISOString()}\n`);
console.log(formatReports(reports));
process.exit(reports.every((r) => r.absorbed) ? 0 : 1);
