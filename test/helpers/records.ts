/** Records tests create often, with what differs from the usual given as overrides. */
import type { NewFlexFlow } from '../../server/store/records.ts';

/** A web chat Flex Flow that routes to a task (what a freshly set-up server has). */
export function webFlexFlow(overrides: Partial<NewFlexFlow> = {}): NewFlexFlow {
  return {
    friendlyName: 'web',
    channelType: 'web',
    contactIdentity: 'web',
    enabled: true,
    integrationType: 'task',
    integration: {},
    longLived: false,
    janitorEnabled: true,
    allowedOrigins: ['self'],
    ...overrides,
  };
}
