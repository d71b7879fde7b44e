/**
 * The parts of the chat window that come after the first screen, in one lazy chunk fetched in
 * the background once the window is open: the bot's quick replies, the End chat question and
 * the panel that replaces the composer once the chat ended.
 */
export { ChatEnded } from './chat-ended';
export { ConfirmEnd } from './confirm-end';
export { QuickReplies } from './quick-replies';
