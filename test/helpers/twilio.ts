/**
 * The official `twilio` library pointed at a test Parley with only the host changed, as a team
 * leaving Twilio would point it: `username`/`password` are an account SID and the admin key,
 * or an API key's sid and secret (then `accountSid` names the account).
 */
import twilio from 'twilio';
import { parleyHttpClient } from '../../server/twilio.ts';

export function twilioAt(
  url: string,
  username: string,
  password: string,
  accountSid?: string,
): twilio.Twilio {
  return twilio(username, password, {
    httpClient: parleyHttpClient(url) as never,
    ...(accountSid && { accountSid }),
  });
}
