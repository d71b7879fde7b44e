/**
 * Human labels for what the desk shows from channel and task data: field names become words
 * ("orderNumber" → "Order number"), channel types and task states become what an agent calls
 * them, and internal ids are told apart so they can stay out of sight.
 */
import type { TaskStatus } from '../../../protocol.ts';

const KNOWN: Record<string, string> = {
  from: 'From',
  email: 'Email',
  name: 'Name',
  friendlyName: 'Name',
  phone: 'Phone',
  initialQuestion: 'First question',
  initial_question: 'First question',
  channelType: 'Channel',
  channel_type: 'Channel',
  pageUrl: 'Page',
  orderNumber: 'Order number',
  language: 'Language',
  conversationId: 'Conversation',
};

/** `humanLabel('order_number')` → "Order number"; `humanLabel('orderID')` → "Order ID". */
export function humanLabel(key: string): string {
  if (KNOWN[key]) return KNOWN[key];
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .split(/\s+/);
  const text = words.map((w, i) => (w === w.toUpperCase() ? w : i === 0 ? w : w.toLowerCase())).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Internal ids (`CH…`, `WT…`) and the fields that hold them: for "Technical details" only. */
export function isTechnical(key: string, value: unknown): boolean {
  if (/(Sid|_sid|Id|_id)$/.test(key) && key !== 'conversationId') return true;
  return typeof value === 'string' && /^[A-Z]{2}[0-9a-f]{32}$/.test(value);
}

const CHANNEL_TYPES: Record<string, string> = {
  web: 'Web chat',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'Email',
  messenger: 'Messenger',
};

export const channelTypeLabel = (type: unknown) =>
  typeof type === 'string' ? (CHANNEL_TYPES[type] ?? humanLabel(type)) : 'Unknown';

const TASK_STATUS: Record<TaskStatus, string> = {
  pending: 'Waiting',
  reserved: 'Offered',
  assigned: 'In progress',
  wrapping: 'Wrapping up',
  completed: 'Completed',
  canceled: 'Canceled',
};

export const taskStatusLabel = (status: TaskStatus) => TASK_STATUS[status] ?? humanLabel(status);

/** Nothing to show: no value, blank text, or an empty list or object (a bot's unset variable). */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** A value as text: strings as they are, lists joined, anything else as compact JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  return JSON.stringify(value);
}
