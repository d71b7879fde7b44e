/**
 * The server under chaos: `parley serve` as a child process on a fixed data dir, which the
 * run kills with SIGKILL and starts again on the same port and the same SQLite file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { trackProcess } from '../../helpers/processes.ts';

const root = join(import.meta.dirname, '../../..');

export interface ServerProcessOptions {
  dataDir: string;
  adminKey: string;
  secret: string;
  /** Extra environment, e.g. rate limits lifted for the load. */
  env?: Record<string, string>;
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private port = 0;
  url = '';
  starts = 0;

  constructor(private readonly options: ServerProcessOptions) {}

  /** Starts the server and resolves once it listens (on the port of the first start). */
  async start(): Promise<string> {
    const child = spawn(process.execPath, [join(root, 'bin/parley.js'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        PARLEY_DATA_DIR: this.options.dataDir,
        PARLEY_ADMIN_KEY: this.options.adminKey,
        PARLEY_SECRET: this.options.secret,
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackProcess(child, 'parley serve');
    this.child = child;
    let output = '';
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    this.url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        const match = output.match(/listening on (http:\/\/\S+)/);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`parley serve exited (${code ?? signal}) before listening:\n${output}`)),
      );
    });
    this.port = Number(new URL(this.url).port);
    this.starts++;
    return this.url;
  }

  /** SIGKILL: no shutdown code runs, whatever the server was doing. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: the graceful shutdown. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
