/**
 * Signed inbound webhooks abused (finding 8): whoever holds a messaging Flex Flow's auth token
 * (a provider account shared too widely, a leaked configuration) sends forms a provider never
 * would: a field twice, a 30,000-character body, a sender naming a web visitor or a verified
 * user. Each is a 400 that stores nothing; unsigned forms are refused before they are read.
 */
import { createHmac } from 'node:crypto';
import { twilioSignature } from '../../server/core/proxy/signature.ts';
import { type Attack, type Attacker, openChat, type Reply, send, tally, webFlexFlow } from './tools.ts';

const AUTH_TOKEN = 'attack-provider-auth-token';
const SECRET_Y = 'site-y-identity-secret-9876543210';

interface Stage {
  smsFlow: string;
  number: string;
  victim: { channelSid: string; identity: string };
  visitor: { channelSid: string; identity: string; contactSid: string };
}

/** POSTs form pairs (a name may repeat), signed with the auth token unless `signed` is false. */
function inbound({ target, address }: Attacker, smsFlow: string, pairs: [string, string][], signed = true) {
  const path = `/webhooks/messaging/${smsFlow}`;
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signed) headers['x-twilio-signature'] = twilioSignature(AUTH_TOKEN, target.url + path, params);
  return send(target.url + path, { body: new URLSearchParams(pairs).toString(), headers, address });
}

let messageCount = 0;
const form = (number: string, from: string, body: string): [string, string][] => [
  ['From', from],
  ['To', number],
  ['Body', body],
  ['MessageSid', `SM${String(++messageCount).padStart(32, '0')}`],
  ['NumMedia', '0'],
];

export const webhookAbuse: Attack<Stage> = {
  finding: '8',
  name: 'signed inbound webhooks: a field twice, 30,000 characters, From=user:42 and a web visitor',
  async prepare(attacker) {
    const { target } = attacker;
    const number = `+1555${String(Date.now()).slice(-7)}`;
    const sms = await target.admin('POST', '/v1/FlexFlows', {
      friendlyName: 'attack SMS',
      channelType: 'sms',
      contactIdentity: number,
      enabled: true,
      integrationType: 'task',
      // Nothing answers there: no valid message is sent in this attack, so nothing goes out.
      messagingConnector: { url: 'http://127.0.0.1:9/messages', authToken: AUTH_TOKEN },
    });
    if (sms.status !== 201) throw new Error(`FlexFlows answered ${sms.status}: ${JSON.stringify(sms.body)}`);
    const flowY = await webFlexFlow(target, {
      integration: { identityVerification: { required: true, secret: SECRET_Y } },
    });
    const userHash = createHmac('sha256', SECRET_Y).update('42').digest('hex');
    const victim = await openChat(attacker, flowY, { identify: { userId: '42', userHash } });
    const visitor = await openChat(attacker);
    return { smsFlow: sms.body.sid, number, victim, visitor };
  },
  async run(attacker, { smsFlow, number, victim, visitor }) {
    const { target } = attacker;
    const sessionsBefore = JSON.stringify((await target.admin('GET', '/v1/Sessions')).body.sessions);
    const forms: [string, string][][] = [
      [...form(number, '+15557001', 'hi'), ['From', '+15557002']],
      [...form(number, '+15557001', 'hi'), ['Body', 'again']],
      form(number, '+15557003', 'x'.repeat(30_000)),
      form(number, 'user:42', 'attach me'),
      form(number, victim.identity, 'attach me'),
      form(number, visitor.identity, 'attach me'),
      form(number, `erased:${visitor.contactSid}`, 'attach me'),
    ];
    const rounds = Math.max(1, Math.round(5 * attacker.scale));
    const answers: Reply[] = [];
    const unsigned: Reply[] = [];
    for (let i = 0; i < rounds; i++) {
      answers.push(...(await Promise.all(forms.map((pairs) => inbound(attacker, smsFlow, pairs)))));
      unsigned.push(await inbound(attacker, smsFlow, form(number, visitor.identity, 'attach me'), false));
    }
    const sessionsAfter = JSON.stringify((await target.admin('GET', '/v1/Sessions')).body.sessions);
    const bodies = async (channelSid: string) =>
      JSON.stringify((await target.admin('GET', `/v1/Channels/${channelSid}/Messages`)).body);
    const reached = (await bodies(victim.channelSid)) + (await bodies(visitor.channelSid));
    const codes = (list: typeof answers) => list.map((a) => ({ status: a.status, code: a.body?.code }));
    return {
      tried: answers.length + unsigned.length,
      seen: `signed: ${tally(codes(answers))}; unsigned: ${tally(codes(unsigned))}`,
      checks: {
        'every signed abuse is a 400, never a 500': answers.every((a) => a.status === 400),
        'unsigned forms are refused (403)': unsigned.every((a) => a.status === 403),
        'no proxy session is opened': sessionsAfter === sessionsBefore,
        "nothing reaches the verified user's or the visitor's chat": !reached.includes('attach me'),
      },
    };
  },
};
