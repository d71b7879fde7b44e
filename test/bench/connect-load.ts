/**
 * One share of the idle connections for the heap figure, in its own process: a process may hold
 * at most 20,000 descriptors here, so 20,000 client sockets take more than one.
 *   node --import tsx connect-load.ts <url> <auths.json>
 * Connects every auth in the file (200 at a time), prints `CONNECTED <seconds> <failures>`, holds
 * the sockets until stdin closes or says `close`, then exits.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect, inBatches } from './setup.ts';

const [url, file] = process.argv.slice(2) as [string, string];
const auths = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
let failures = 0;
const started = performance.now();
const sockets = await inBatches(auths, 200, (auth) =>
  connect(url, auth).catch(() => {
    failures++;
    return null;
  }),
);
console.log(`CONNECTED ${(performance.now() - started) / 1000} ${failures}`);
const done = () => {
  for (const s of sockets) s?.close();
  process.exit(0);
};
createInterface({ input: process.stdin })
  .on('line', (line) => line.trim() === 'close' && done())
  .on('close', done);
