/** The npm entry of `parley-webchat`: `import { createWebchat } from 'parley-webchat'`. */
export { createWebchat } from './create-webchat';
export type {
  ChannelDTO,
  MessageDTO,
  Webchat,
  WebchatEventName,
  WebchatEvents,
  WebchatIdentity,
  WebchatOptions,
} from './types';
