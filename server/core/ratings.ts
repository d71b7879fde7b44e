/**
 * Ratings (CSAT): a visitor rates a chat once it ended and an agent's task stood behind it,
 * 1 to 5 stars with an optional comment. Guarantees: one rating per task (the first stands,
 * a second is refused); the rating is kept in the ratings store and on the task as
 * `attributes.csat = { score, comment }`, and `task.rated` is emitted once. A Flex Flow turns
 * ratings off with `widgetConfig.rating.enabled: false`.
 */
import { ParleyError } from '../errors.ts';
import type { Rating, RatingFilter, RatingSummary, Store } from '../store/types.ts';
import type { EventBus } from './events.ts';
import type { VisitorSession } from './visitor-session.ts';

export type Ratings = ReturnType<typeof createRatings>;

export interface RatingInput {
  score: number;
  comment?: string;
}

const conflict = (code: string, message: string) => new ParleyError(code, message, 409);

export function createRatings({ store, events }: { store: Store; events: EventBus }) {
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
      const rated = await store.tasks.update(task.sid, {
        attributes: { ...task.attributes, csat: { score: rating.score, comment } },
      });
      if (rated) {
        events.emit('task.updated', rated);
        events.emit('task.rated', rated, rating);
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
