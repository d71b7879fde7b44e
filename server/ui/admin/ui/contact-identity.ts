/**
 * Contact identities in the Flex Flow form. At most one enabled Flex Flow answers a channel
 * type and contact identity (the server refuses a second with 409), so the form proposes one
 * no enabled Flex Flow of the channel type uses, and says in plain words which Flex Flow holds
 * an identity when the server refuses it.
 */
import type { FlexFlowDTO } from '../../../protocol.ts';
import { type Api, ApiError } from '../client/api.ts';

export const CHANNELS = [
  { value: 'web', label: 'Web (widget)', identity: 'webchat' },
  { value: 'sms', label: 'SMS', identity: '+15550100' },
  { value: 'whatsapp', label: 'WhatsApp-style', identity: 'whatsapp:+15550100' },
  { value: 'email', label: 'Email', identity: 'support@shop.example' },
] as const;

interface Candidate {
  sid?: string;
  channelType: string;
  contactIdentity: string;
  enabled: boolean;
}

/** The enabled Flex Flow, other than the candidate, that answers its channel type and identity. */
export function clashOf(flexFlows: FlexFlowDTO[], candidate: Candidate): FlexFlowDTO | undefined {
  if (!candidate.enabled) return undefined;
  return flexFlows.find(
    (f) =>
      f.sid !== candidate.sid &&
      f.enabled &&
      f.channelType === candidate.channelType &&
      f.contactIdentity === candidate.contactIdentity,
  );
}

/**
 * The identity a new Flex Flow of a channel type starts with: the channel's example when no
 * enabled Flex Flow uses it. A web identity only names the flow, so `webchat-2`, `webchat-3`…
 * do as well; the others are real numbers and addresses, left for the admin to type.
 *
 * @example freeContactIdentity([demoShopWebchat], 'web') // 'webchat-2'
 */
export function freeContactIdentity(flexFlows: FlexFlowDTO[], channelType: string): string {
  const example = CHANNELS.find((c) => c.value === channelType)?.identity ?? '';
  const taken = (contactIdentity: string) =>
    clashOf(flexFlows, { channelType, contactIdentity, enabled: true }) !== undefined;
  if (!taken(example)) return example;
  if (channelType !== 'web') return '';
  let n = 2;
  while (taken(`${example}-${n}`)) n++;
  return `${example}-${n}`;
}

/** What an admin reads when the identity is taken: which Flex Flow holds it, and what to change. */
export function clashMessage(clash: FlexFlowDTO): string {
  const channel = CHANNELS.find((c) => c.value === clash.channelType)?.label ?? clash.channelType;
  return (
    `The Flex Flow “${clash.friendlyName}” is already enabled for ${channel} with the contact identity ` +
    `“${clash.contactIdentity}”. Change Contact identity, or untick Enabled to save this one disabled.`
  );
}

/**
 * The error to show for a failed save: a 409 over the identity becomes `clashMessage` of the
 * Flex Flow holding it (read afresh: another admin may have changed it); any other stays.
 */
export async function explainConflict(api: Api, err: unknown, candidate: Candidate): Promise<unknown> {
  if (!(err instanceof ApiError) || err.status !== 409) return err;
  const flexFlows = await api.get<{ flexFlows: FlexFlowDTO[] }>('/v1/FlexFlows').then(
    (r) => r.flexFlows,
    () => [],
  );
  const clash = clashOf(flexFlows, candidate);
  return clash ? new Error(clashMessage(clash)) : err;
}
