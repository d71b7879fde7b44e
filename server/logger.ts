/**
 * What Parley logs through: pino's shape (an object of ids, then a message), so any pino
 * logger fits, and tests can pass a silent or collecting one. Below every room that logs.
 */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
