#!/usr/bin/env node
// The `parley` command: the compiled server (dist/) under plain node. In Parley's own
// repository, before the server is built, the TypeScript sources run through tsx instead.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli.ts');
}
