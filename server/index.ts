export type { DomainEvents, EventBus } from './core/events.ts';
export type { MessagingConnectorClient, OutboundMessage, SendResult } from './core/proxy/connector.ts';
export { ParleyError } from './errors.ts';
export type { Logger } from './logger.ts';
export type * from './protocol.ts';
export { createServer, type ParleyServer, type ServerOptions } from './server.ts';
export type { FileStorage, S3StorageOptions } from './store/files/index.ts';
export type { Store } from './store/types.ts';
