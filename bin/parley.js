#!/usr/bin/env node
// Parley's repository runs the server from its TypeScript sources (tsx compiles them on load),
// so `npm start` and the tests always run what is checked out, built or not. The published
// command is server/bin/parley.js, which runs the compiled server.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
