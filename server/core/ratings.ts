/**
 * Ratings (CSAT): a visitor rates a chat once it ended and an agent's task stood behind it,
 * 1 to 5 stars with an optional comment. Guarantees: one rating per task (the first stands,
 * a second is refused); the rating is kept in the ratings store and on the task as
 * `attributes.csat = { score, comment }`, and `task.rated` is emitted once. The agent still
 * holding the chat (wrapping it up) gets the rated chat at once, so the rating shows on the
 * desk while they write their wrap-up. A Flex Flow turns ratings off with
 * `widgetConfig.rating.enabled: false`.
 */
import { ParleyError } from '../errors.ts';
import { type Clock, systemClock } from '../ids.ts';
import type { CsatInfo } from '../protocol.ts';
import type { Rating, RatingFilter, RatingSummary, Store, Task } from '../store/types.ts';
import type { EventBus } from './events.ts';
import { buildChat } from './routing/views.ts';
import type { VisitorSession } from './visitor-session.ts';

export type Ratings = ReturnType<typeof createRatings>;

export interface RatingInput {
  score: number;
  comment?: string;
}

const conflict = (code: string, message: string) => new ParleyError(code, message, 409);

/** The rating a task carries (`attributes.csat`), or null when it has none. */
export function csatOf(task: Pick<Task, 'attributes'>): CsatInfo | null {
  const csat = task.attributes.csat as Partial<CsatInfo> | undefined;
  if (!csat || typeof csat !== 'object' || typeof csat.score !== 'number') return null;
  return { score: csat.score, comment: typeof csat.comment === 'string' ? csat.comment : null };
}

export function createRatings({
  store,
  events,
  clock = systemClock,
}: {
  store: Store;
  events: EventBus;
  clock?: Clock;
}) {
  return {
    /** The visitor's rating of their ended chat. */
    async rate({ contact, channel, flexFlow }: VisitorSession, input: RatingInput): Promise<Rating> {
      if (flexFlow.widgetConfig?.rating?.enabled === false) {
        throw conflict('ratings_disabled', `Flex Flow ${flexFlow.sid} does not ask for ratings`);
      }
      if (channel.status === 'active') {
        throw conflict('chat_active', 'A chat is rated once it has ended: end it first (chat:end)');
      }
      const taskSid = channel.attributes.taskSid;
      const task = taskSid ? await store.tasks.get(taskSid) : null;
      if (!task)
        throw conflict('not_rateable', 'No agent task stood behind this chat, so there is nothing to rate');
      const comment = input.comment?.trim() || null;
      const rating = await store.ratings.create({
        taskSid: task.sid,
        channelSid: channel.sid,
        flexFlowSid: flexFlow.sid,
        contactSid: contact.sid,
        workerSid: task.workerSid,
        score: input.score,
        comment,
      });
      if (!rating) throw conflict('already_rated', 'This chat was rated already: the first rating stands');
      // Supervisors' CSAT figures read ratings from the task events, per queue and over time.
      await store.taskEvents.record({
        taskSid: task.sid,
        kind: 'rated',
        queueSid: task.queueSid,
        workerSid: task.workerSid,
        channelType: typeof task.attributes.channelType === 'string' ? task.attributes.channelType : 'web',
        details: { score: rating.score },
        dateCreated: rating.dateCreated,
      });
      const rated = await store.tasks.update(task.sid, {
        attributes: { ...task.attributes, csat: { score: rating.score, comment } },
      });
      if (rated) {
        events.emit('task.updated', rated);
        events.emit('task.rated', rated, rating);
        if (rated.workerSid && (rated.status === 'assigned' || rated.status === 'wrapping')) {
          events.emit('chat.updated', rated.workerSid, await buildChat(store, rated, clock()));
        }
      }
      return rating;
    },

    /** Ratings newest first, with the figures over every rating the filter matches. */
    async list(
      filter: RatingFilter,
      page: { limit: number; offset: number },
    ): Promise<{ ratings: Rating[]; summary: RatingSummary }> {
      const [ratings, summary] = await Promise.all([
        store.ratings.list(filter, page),
        store.ratings.summarize(filter),
      ]);
      return { ratings, summary };
    },
  };
}
