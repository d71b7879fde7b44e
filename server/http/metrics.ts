/**
 * Prometheus metrics at `GET /metrics` (admin key, like `/v1`): socket connections by
 * namespace, messages by author role, tasks by state, queue wait (task created → accepted),
 * and delivery latency (a socket request received → its ack sent, i.e. stored and answered).
 * One registry per server, nothing global, so several servers in one process do not mix.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Router } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Server } from 'socket.io';
import type { Core } from '../core/index.ts';
import type { TaskStatus } from '../protocol.ts';
import { requireAdmin } from './admin-auth.ts';

const OPEN_STATES: TaskStatus[] = ['pending', 'reserved', 'assigned', 'wrapping'];

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(core: Core) {
  const registry = new Registry();
  let io: Server | null = null;

  new Gauge({
    name: 'parley_socket_connections',
    help: 'Open Socket.IO connections by namespace',
    labelNames: ['namespace'],
    registers: [registry],
    collect() {
      for (const namespace of ['/webchat', '/agent']) {
        this.set({ namespace }, io ? io.of(namespace).sockets.size : 0);
      }
    },
  });
  // How long the event loop was held up, worst case since the last scrape: what a flood of
  // work from one client would show first.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  new Gauge({
    name: 'parley_event_loop_delay_max_seconds',
    help: 'Longest event-loop delay since the previous scrape',
    registers: [registry],
    collect() {
      this.set(loopDelay.max / 1e9);
      loopDelay.reset();
    },
  });
  new Gauge({
    name: 'parley_resident_memory_bytes',
    help: 'Resident memory of this process',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  const messages = new Counter({
    name: 'parley_messages_total',
    help: 'Messages stored, by the role of their author',
    labelNames: ['role'],
    registers: [registry],
  });
  new Gauge({
    name: 'parley_tasks',
    help: 'Open tasks by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      for (const state of OPEN_STATES)
        this.set({ state }, (await core.store.tasks.list({ status: state })).length);
    },
  });
  const queueWait = new Histogram({
    name: 'parley_queue_wait_seconds',
    help: 'Time from a task being created to an agent accepting it',
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const delivery = new Histogram({
    name: 'parley_delivery_latency_seconds',
    help: 'Time from a socket request arriving to its ack leaving (a message:send is stored by then)',
    labelNames: ['namespace', 'event'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  // One labelled child per label set, kept: a message or a request neither builds nor hashes a
  // label object.
  const deliveryByEvent = new Map<string, { observe(seconds: number): void }>();
  const messagesByRole = new Map<string, { inc(): void }>();
  const kept = <T>(children: Map<string, T>, key: string, make: () => T): T => {
    let child = children.get(key);
    if (!child) {
      child = make();
      children.set(key, child);
    }
    return child;
  };

  core.events.on('message.created', ({ authorRole: role }) =>
    kept(messagesByRole, role, () => messages.labels({ role })).inc(),
  );
  // A task is accepted once; remember the last few so a later update does not count again.
  const accepted = new Set<string>();
  core.events.on('chat.updated', (_workerSid, chat) => {
    if (chat.task.status !== 'assigned' || accepted.has(chat.task.sid)) return;
    if (accepted.size > 10_000) accepted.clear();
    accepted.add(chat.task.sid);
    queueWait.observe(Math.max(0, (Date.now() - Date.parse(chat.task.dateCreated)) / 1000));
  });

  return {
    registry,
    /** Times one acknowledged request; each namespace's dispatcher calls it for every one. */
    timeRequest(namespace: string, event: string): () => void {
      const timed = kept(deliveryByEvent, `${namespace} ${event}`, () =>
        delivery.labels({ namespace, event }),
      );
      const started = performance.now();
      return () => timed.observe((performance.now() - started) / 1000);
    },
    /** Counts the connections of `server`'s namespaces (read when /metrics is scraped). */
    watch(server: Server) {
      io = server;
    },
    router(adminKey: string): Router {
      const router = Router();
      router.get('/metrics', requireAdmin(adminKey), async (_req, res) => {
        res.type(registry.contentType).send(await registry.metrics());
      });
      return router;
    },
  };
}
