/**
 * The selected chat: its header with the task actions, the message log, who is typing, the
 * whisper box (folded behind the composer's "Whisper" button until used) and the composer.
 * Messages still in the outbox are shown after the stored ones, marked pending.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { fillPlaceholders, loadCannedResponses } from '../client/canned-responses.ts';
import { uploadMedia } from '../client/media.ts';
import type { ChatState, PendingMessage } from '../state/desk-state.ts';
import { canWrite, customerName, customerReadIndex, emailSubject } from '../state/selectors.ts';
import { Composer } from './composer.tsx';
import { useDesk, useDeskState, useRunAction } from './desk-context.ts';
import { EndChatDialog } from './end-chat-dialog.tsx';
import { MessageLog } from './message-log.tsx';
import { TransferDialog } from './transfer-dialog.tsx';
import { WhisperBox } from './whispers.tsx';
import { WrapUpForm } from './wrap-up-form.tsx';

export function Conversation() {
  const state = useDeskState();
  const chat = state.selectedChannelSid ? state.chats[state.selectedChannelSid] : undefined;
  if (!chat) {
    return <p class="empty empty--center">Select a chat, or accept an incoming one.</p>;
  }
  const sid = chat.chat.channel.sid;
  const stored = new Set(chat.messages.map((m) => m.clientId));
  const pending = state.outbox.filter((m) => m.channelSid === sid && !stored.has(m.clientId));
  return <ConversationView key={sid} chat={chat} pending={pending} />;
}

function ConversationView({ chat, pending }: { chat: ChatState; pending: PendingMessage[] }) {
  const { client, token } = useDesk();
  const { connection, worker } = useDeskState();
  const run = useRunAction();
  const [busy, setBusy] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const { task, channel } = chat.chat;
  const name = customerName(chat.chat);
  const whisperCount = chat.whispers?.length ?? 0;
  // The whisper box stays folded until the agent opens it or someone whispers in the chat.
  const [whispering, setWhispering] = useState(whisperCount > 0);
  const openedToWrite = useRef(false);
  const whisperToggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (whisperCount === 0 || whispering) return;
    openedToWrite.current = false;
    setWhispering(true);
  }, [whisperCount]);

  /** Uploads each file in turn and sends it as a message whose body is the file name. */
  const attach = (files: File[]) =>
    run(async () => {
      for (const file of files) {
        const media = await uploadMedia(token, channel.sid, file);
        client.send(channel.sid, media.filename, { media });
      }
    });

  const act = (action: () => Promise<void>) => {
    setBusy(true);
    run(action).finally(() => setBusy(false));
  };

  return (
    <section class="conversation" aria-label={`Chat with ${name}`}>
      <header class="conversation__header">
        <h2>{name}</h2>
        {emailSubject(chat.chat) && <span class="conversation__subject">{emailSubject(chat.chat)}</span>}
        <span class={`status status--${task.status}`}>
          {task.status === 'wrapping' ? 'Wrapping up' : 'Active'}
        </span>
        <span class="conversation__spacer" />
        {task.status === 'assigned' && (
          <button type="button" class="button" disabled={busy} onClick={() => setTransferring(true)}>
            Transfer
          </button>
        )}
        {task.status === 'assigned' && (
          <button
            type="button"
            class="button button--danger"
            disabled={busy}
            onClick={() => setConfirmingEnd(true)}
          >
            End chat
          </button>
        )}
      </header>
      <MessageLog
        messages={chat.messages}
        pending={pending}
        customerReadIndex={customerReadIndex(chat)}
        offline={connection !== 'online'}
        whispers={chat.whispers}
      />
      <p class="conversation__typing" aria-live="polite">
        {chat.typingName ? `${chat.typingName} is typing…` : ''}
      </p>
      {task.status === 'wrapping' ? (
        <WrapUpForm
          taskSid={task.sid}
          dispositions={chat.chat.dispositions ?? []}
          endsAt={chat.chat.wrapUpEndsAt ?? null}
          busy={busy}
          onComplete={(request) => act(() => client.complete(request))}
        />
      ) : channel.status === 'inactive' ? (
        <p class="conversation__ended">This chat has ended. Complete it when your wrap-up is done.</p>
      ) : null}
      {confirmingEnd && (
        <EndChatDialog
          customerName={name}
          onConfirm={() => act(() => client.wrap(task.sid))}
          onClose={() => setConfirmingEnd(false)}
        />
      )}
      {transferring && <TransferDialog taskSid={task.sid} onClose={() => setTransferring(false)} />}
      {whispering && (
        <WhisperBox
          channelSid={channel.sid}
          disabled={connection !== 'online'}
          focusOnMount={openedToWrite.current}
          onClose={() => {
            setWhispering(false);
            whisperToggle.current?.focus();
          }}
        />
      )}
      <Composer
        tools={
          <button
            type="button"
            ref={whisperToggle}
            class={`button whisper-toggle${whispering ? ' whisper-toggle--open' : ''}`}
            aria-expanded={whispering}
            aria-controls={whispering ? `whisper-${channel.sid}` : undefined}
            title="A note only agents and supervisors see"
            onClick={() => {
              openedToWrite.current = !whispering;
              setWhispering(!whispering);
            }}
          >
            Whisper
          </button>
        }
        disabled={!canWrite(chat)}
        onSend={(body) => client.send(channel.sid, body)}
        onTyping={() => client.typing(channel.sid)}
        onAttach={attach}
        loadCannedResponses={() => loadCannedResponses(token)}
        fillPlaceholders={(body) =>
          fillPlaceholders(body, { customerName: name, agentName: worker?.friendlyName ?? '' })
        }
      />
    </section>
  );
}
