/**
 * Asks before a chat ends: ending cannot be undone (the customer is told and the channel
 * closes), and "End chat" sits beside buttons an agent clicks all day.
 */
import { useEffect, useRef } from 'preact/hooks';

export interface EndChatDialogProps {
  customerName: string;
  onConfirm(): void;
  onClose(): void;
}

export function EndChatDialog({ customerName, onConfirm, onClose }: EndChatDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-label={`End the chat with ${customerName}?`}
      aria-describedby="end-chat-explained"
      onClose={onClose}
    >
      <h2>End the chat with {customerName}?</h2>
      <p id="end-chat-explained">
        {customerName} is told the chat has ended and can no longer write in it. You can then wrap up.
      </p>
      <div class="dialog__actions">
        {/* Cancel first, and focused first: Enter on an accidental click keeps the chat going. */}
        <button type="button" class="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          class="button button--danger"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          End chat
        </button>
      </div>
    </dialog>
  );
}
