// Runs one local function in its own process, as Twilio Functions run: the parent sends
// {file, event, context} over IPC; the answer is sent back once, then the process exits.
process.once('message', ({ file, event, context }) => {
  let answered = false;
  const answer = (result) => {
    if (answered) return;
    answered = true;
    process.send(result, () => process.exit(0));
  };
  const callback = (error, response) => {
    if (error) return answer({ ok: false, error: String(error?.message ? error.message : error) });
    if (response && typeof response === 'object' && '_body' in response)
      return answer({
        ok: true,
        status: response._status ?? 200,
        body: response._body,
        headers: response._headers ?? {},
      });
    answer({ ok: true, status: 200, body: response === undefined ? '' : response });
  };
  // A Twilio.Response-like object, so functions written for Twilio run unchanged.
  class Response {
    constructor() {
      this._status = 200;
      this._body = '';
      this._headers = {};
    }
    setStatusCode(code) {
      this._status = code;
      return this;
    }
    setBody(body) {
      this._body = body;
      return this;
    }
    appendHeader(k, v) {
      this._headers[k] = v;
      return this;
    }
    setHeaders(h) {
      this._headers = { ...h };
      return this;
    }
  }
  globalThis.Twilio = { Response };
  // Twilio Functions are CommonJS; a functions folder inside a `"type": "module"` project
  // would have Node read a .js file as ESM (where `exports` is undefined), so it is compiled
  // as CommonJS whatever the nearest package.json says.
  const load = (path) => {
    if (!path.endsWith('.js')) return require(path);
    const Module = require('node:module');
    const m = new Module(path, module);
    m.filename = path;
    m.paths = Module._nodeModulePaths(require('node:path').dirname(path));
    m._compile(require('node:fs').readFileSync(path, 'utf8'), path);
    return m.exports;
  };
  try {
    const handler = load(file).handler;
    if (typeof handler !== 'function') throw new Error('the module has no exports.handler');
    const result = handler(
      {
        ...context,
        getTwilioClient() {
          throw new Error('no Twilio client in a local function');
        },
      },
      event,
      callback,
    );
    if (result && typeof result.catch === 'function') result.catch((err) => callback(err));
  } catch (err) {
    callback(err);
  }
});
