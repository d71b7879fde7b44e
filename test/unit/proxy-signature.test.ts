import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from '../../server/core/proxy/signature.ts';

// Twilio's own documented example (https://www.twilio.com/docs/usage/security#validating-requests).
const token = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};

describe('the Twilio request signature', () => {
  it('matches the signature Twilio documents for its example request', () => {
    expect(twilioSignature(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('accepts a good signature', () => {
    expect(verifyTwilioSignature(token, url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('refuses a signature made with another token, over another URL or other parameters', () => {
    const good = twilioSignature(token, url, params);
    expect(verifyTwilioSignature('other', url, params, good)).toBe(false);
    expect(verifyTwilioSignature(token, 'https://mycompany.com/other', params, good)).toBe(false);
    expect(verifyTwilioSignature(token, url, { ...params, Digits: '9' }, good)).toBe(false);
    expect(verifyTwilioSignature(token, url, params, `${good.slice(0, -2)}x=`)).toBe(false);
  });

  it('refuses a request with no signature', () => {
    expect(verifyTwilioSignature(token, url, params, undefined)).toBe(false);
    expect(verifyTwilioSignature(token, url, params, '')).toBe(false);
  });
});
