/**
 * The chats the agent holds, oldest first, each with its unread count, state and the newest
 * message as plain text.
 */
import { plainText } from '../format/plain-text.ts';
import type { ChatState } from '../state/desk-state.ts';
import { chatList, customerName, emailSubject, unreadCount } from '../state/selectors.ts';
import { useDesk, useDeskState } from './desk-context.ts';
import { NewConversation } from './new-conversation.tsx';

export function ChatList() {
  const state = useDeskState();
  const chats = chatList(state);
  return (
    <nav class="chat-list" aria-label="Active chats">
      <h2 class="pane-title">Active chats</h2>
      {chats.length === 0 ? (
        <p class="empty">
          {state.worker?.activity === 'Available'
            ? 'No active chats. New chats are offered here.'
            : 'No active chats. Set your activity to Available to receive chats.'}
        </p>
      ) : (
        <ul>
          {chats.map((chat) => (
            <ChatListItem
              key={chat.chat.channel.sid}
              chat={chat}
              selected={chat.chat.channel.sid === state.selectedChannelSid}
            />
          ))}
        </ul>
      )}
      <NewConversation />
    </nav>
  );
}

function ChatListItem({ chat, selected }: { chat: ChatState; selected: boolean }) {
  const { client } = useDesk();
  const unread = unreadCount(chat);
  const last = chat.messages[chat.messages.length - 1];
  const wrapping = chat.chat.task.status === 'wrapping';
  const subject = emailSubject(chat.chat);
  return (
    <li>
      <button
        type="button"
        class={`chat-item${selected ? ' chat-item--selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        onClick={() => client.select(chat.chat.channel.sid)}
      >
        <span class="chat-item__name">{customerName(chat.chat)}</span>
        {unread > 0 && (
          <span class="chat-item__unread">
            {unread}
            <span class="visually-hidden"> unread</span>
          </span>
        )}
        {subject && <span class="chat-item__subject">{subject}</span>}
        <span class="chat-item__preview">{wrapping ? 'Wrapping up' : plainText(last?.body ?? '')}</span>
      </button>
    </li>
  );
}
