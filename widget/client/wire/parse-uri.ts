/**
 * Engine.IO's URI parser, built in place of its 1 KB regular expression (see vite.config.ts):
 * the browser's own `URL` reads the server's address. Returns the fields engine.io-client and
 * socket.io-client read, with an IPv6 host without its brackets, as theirs does.
 */
export function parse(uri: string) {
  const url = new URL(/^[a-z]+:\/\//i.test(uri) ? uri : `http://${uri}`);
  return {
    source: uri,
    protocol: url.protocol.slice(0, -1),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port,
    path: url.pathname,
    query: url.search.slice(1),
  };
}
