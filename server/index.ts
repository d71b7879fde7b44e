export { ParleyError } from './errors.ts';
export type * from './protocol.ts';
export { createServer, type ParleyServer, type ServerOptions } from './server.ts';
export type { FileStorage, S3StorageOptions } from './store/files/index.ts';
