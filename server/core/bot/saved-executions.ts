/**
 * The active execution of each channel as this node last saved it, so that a visitor's next
 * message steps from it instead of reading it back. Only ever a starting point: a copy made
 * stale elsewhere (another node stepped the execution, ended it, deleted its channel) fails
 * the version check of the save, which writes nothing, and the runner steps again from the
 * store. Bounded: past `limit` channels it starts over.
 */
import type { Execution } from '../../store/types.ts';

export type SavedExecutions = ReturnType<typeof createSavedExecutions>;

export function createSavedExecutions(limit = 5000) {
  const byChannel = new Map<string, Execution>();
  return {
    /** Keeps `execution` as its channel's latest, or forgets the channel once it has ended. */
    remember(execution: Execution) {
      if (execution.status !== 'active') {
        byChannel.delete(execution.channelSid);
        return;
      }
      if (byChannel.size >= limit && !byChannel.has(execution.channelSid)) byChannel.clear();
      byChannel.set(execution.channelSid, execution);
    },
    forChannel(channelSid: string): Execution | undefined {
      return byChannel.get(channelSid);
    },
    /** `known`, or the copy saved here since it was read (a later version of the same execution). */
    latest(known: Execution): Execution {
      const saved = byChannel.get(known.channelSid);
      return saved && saved.sid === known.sid && saved.version > known.version ? saved : known;
    },
    forget(channelSid: string) {
      byChannel.delete(channelSid);
    },
  };
}
