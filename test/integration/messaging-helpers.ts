/** A fake messaging provider for the messaging and interactions tests. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

/** A provider's Messages endpoint that fails the first `failures` requests with a 503. */
export async function fakeProvider() {
  const received: { form: URLSearchParams; authorization?: string; signature?: string }[] = [];
  let failures = 0;
  let calls = 0;
  const server = createServer(async (req, res) => {
    const form = new URLSearchParams(await read(req));
    calls++;
    if (calls <= failures) {
      res.statusCode = 503;
      res.end();
      return;
    }
    received.push({
      form,
      authorization: req.headers.authorization,
      signature: req.headers['x-twilio-signature'] as string | undefined,
    });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sid: `SM${calls}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/Messages`,
    received,
    calls: () => calls,
    failFirst(n: number) {
      failures = n;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
