/** The transcript download (a lazily loaded chunk): the conversation as a .txt file, built in the page. */
import type { ChatState } from '../state/chat-state';

/** Saves the conversation as a text file (built in the page: nothing is fetched). */
export function downloadTranscript(state: ChatState, title: string) {
  const lines = state.messages.map(
    (m) => `[${new Date(m.dateCreated).toLocaleString()}] ${m.authorName || m.from}: ${m.body}`,
  );
  const url = URL.createObjectURL(new Blob([`${title}\n\n${lines.join('\n')}\n`], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `chat-${state.channelSid ?? 'transcript'}.txt`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
