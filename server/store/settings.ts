/**
 * Settings an admin edits at run time, shared by both engines: one JSON value per key, the
 * same on every node. A key not set falls back to the server's configuration.
 */
export interface SettingsRepository {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}
