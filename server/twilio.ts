/** `parley-webchat/twilio`: point Twilio's `twilio` npm library at a Parley server (docs/twilio.md). */
export {
  parleyHttpClient,
  type TwilioRequestOptions,
  type TwilioResponse,
} from './http/twilio/http-client.ts';
