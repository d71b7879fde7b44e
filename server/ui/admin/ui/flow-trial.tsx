/**
 * "Try it": runs the flow being edited (saved or not) on the server against visitor lines and
 * shows what the bot said and did, as `parley flows simulate` prints it.
 */
import { useState } from 'preact/hooks';
import type { Api } from '../client/api.ts';
import { Field, Outcome, useAction } from './shared.tsx';

export function FlowTrial({ api, definition }: { api: Api; definition: () => string }) {
  const [script, setScript] = useState('Hello');
  const [transcript, setTranscript] = useState<string[]>([]);
  const action = useAction();
  async function run() {
    const lines = script.split('\n').filter((line) => line.trim());
    await action.run(async () => {
      const result = await api.post<{ transcript: string[] }>('/v1/Flows/simulate', {
        definition: definition(),
        script: lines,
      });
      setTranscript(result.transcript);
    }, 'Done');
  }
  return (
    <fieldset>
      <legend>Try it</legend>
      <Field label="Visitor lines" hint="One message a line; /timeout lets a waiting widget time out">
        <textarea rows={3} value={script} onInput={(e) => setScript(e.currentTarget.value)} />
      </Field>
      <div class="buttons">
        <button type="button" onClick={run} disabled={action.busy}>
          Try it
        </button>
      </div>
      <Outcome error={action.error} />
      {transcript.length > 0 && (
        <pre class="transcript" role="log" aria-label="Try it transcript">
          {transcript.join('\n')}
        </pre>
      )}
    </fieldset>
  );
}
