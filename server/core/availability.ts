/**
 * Whether a web Flex Flow answers chats now: inside its business hours (when it has any) and,
 * unless a bot answers first, with at least one agent Available. Otherwise the widget offers
 * the offline form.
 */
import type { UnavailableReason, WidgetConfig } from '../protocol.ts';
import type { FlexFlow, Store } from '../store/types.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** True when `now` falls in one of the schedule's opening spans, in its time zone. */
export function isWithinBusinessHours(hours: NonNullable<WidgetConfig['businessHours']>, now: Date): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: hours.timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number];
  const time = `${parts.hour}:${parts.minute}`;
  return hours.schedule.some((span) => span.days.includes(day) && span.open <= time && time < span.close);
}

export async function availabilityOf(
  store: Store,
  flexFlow: FlexFlow,
  now: Date,
): Promise<{ available: boolean; reason: UnavailableReason | null; agentsAvailable: boolean }> {
  const hours = flexFlow.widgetConfig?.businessHours;
  if (hours && !isWithinBusinessHours(hours, now))
    return { available: false, reason: 'outside_business_hours', agentsAvailable: false };
  const workers = await store.workers.list();
  // Told apart from `available`: a visitor waiting in the queue behind a bot learns whether anyone can come.
  const agentsAvailable = workers.some((w) => w.activity === 'Available' && !w.disabled);
  // A bot answers a studio Flex Flow at any hour it is open; it queues the hand-over for agents.
  if (flexFlow.integrationType === 'studio') return { available: true, reason: null, agentsAvailable };
  if (!agentsAvailable) return { available: false, reason: 'no_agents', agentsAvailable };
  return { available: true, reason: null, agentsAvailable };
}
