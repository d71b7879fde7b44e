/**
 * Canned responses: the shared library an administrator keeps and each agent's own replies.
 * Who asks decides what they see and may change: the admin key sees and manages all of them;
 * an agent sees the shared ones and their own, and may create, change and delete only their
 * own. Shortcuts are unique per owner (409 otherwise), so `/shortcut` always means one reply.
 * Placeholders (`{{customer.name}}`, `{{agent.name}}`) are stored as written and filled in by
 * the desk with plain text replacement: no template language runs on the server.
 */
import { conflict, forbidden, notFound } from '../errors.ts';
import type { CannedResponse, CannedResponsePatch, Store } from '../store/types.ts';
import type { StaffViewer } from './agents.ts';

/** Who is asking: the admin API, or one signed-in agent. */

export interface NewCannedResponseInput {
  shortcut: string;
  title: string;
  body: string;
  /** Admin only: the agent the response belongs to; omitted or null for a shared one. */
  workerSid?: string | null;
}

export type CannedResponses = ReturnType<typeof createCannedResponses>;

const taken = (shortcut: string) =>
  conflict(
    `The shortcut /${shortcut} is already used by another canned response of the same owner; pick another`,
  );

export function createCannedResponses({ store }: { store: Store }) {
  const repo = store.cannedResponses;

  /** The response, if this viewer may see it; 404 otherwise (another agent's is not revealed). */
  async function visible(viewer: StaffViewer, sid: string): Promise<CannedResponse> {
    const response = await repo.get(sid);
    if (
      !response ||
      (viewer.kind === 'agent' && response.workerSid && response.workerSid !== viewer.workerSid)
    ) {
      throw notFound('Canned response', sid);
    }
    return response;
  }

  /** The response, if this viewer may change it: agents only their own. */
  async function writable(viewer: StaffViewer, sid: string): Promise<CannedResponse> {
    const response = await visible(viewer, sid);
    if (viewer.kind === 'agent' && response.workerSid !== viewer.workerSid) {
      throw forbidden('Shared canned responses are managed with the admin key; agents change only their own');
    }
    return response;
  }

  return {
    list(viewer: StaffViewer, filter: { workerSid?: string } = {}) {
      return repo.list({ workerSid: viewer.kind === 'agent' ? viewer.workerSid : filter.workerSid });
    },

    get: visible,

    async create(viewer: StaffViewer, input: NewCannedResponseInput): Promise<CannedResponse> {
      let workerSid = input.workerSid ?? null;
      if (viewer.kind === 'agent') {
        if (workerSid && workerSid !== viewer.workerSid) {
          throw forbidden('An agent creates canned responses for themselves only: leave out workerSid');
        }
        workerSid = viewer.workerSid;
      } else if (workerSid && !(await store.workers.get(workerSid))) {
        throw notFound('Worker', workerSid);
      }
      const created = await repo.create({
        shortcut: input.shortcut,
        title: input.title,
        body: input.body,
        workerSid,
      });
      if (!created) throw taken(input.shortcut);
      return created;
    },

    async update(viewer: StaffViewer, sid: string, patch: CannedResponsePatch): Promise<CannedResponse> {
      await writable(viewer, sid);
      const updated = await repo.update(sid, patch);
      if (!updated) throw taken(patch.shortcut ?? '');
      return updated;
    },

    async delete(viewer: StaffViewer, sid: string): Promise<void> {
      await writable(viewer, sid);
      await repo.delete(sid);
    },
  };
}
