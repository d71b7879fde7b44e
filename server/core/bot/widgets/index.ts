/** The registry of widget types: `type` → widget. */
import { endChat } from './end-chat.ts';
import { makeHttpRequest } from './make-http-request.ts';
import { runFunction } from './run-function.ts';
import { runSubflow } from './run-subflow.ts';
import { sendAndWaitForReply } from './send-and-wait-for-reply.ts';
import { sendMessage } from './send-message.ts';
import { sendToFlex } from './send-to-flex.ts';
import { setVariables } from './set-variables.ts';
import { splitBasedOn } from './split-based-on.ts';
import { trigger } from './trigger.ts';
import type { Widget } from './types.ts';

export const widgets: Record<string, Widget> = Object.fromEntries(
  [
    trigger,
    sendMessage,
    sendAndWaitForReply,
    splitBasedOn,
    setVariables,
    makeHttpRequest,
    runFunction,
    runSubflow,
    sendToFlex,
    endChat,
  ].map((w) => [w.type, w]),
);

export type { Effect, InboundMessage, ResumeInput, SubflowCall, Widget, WidgetResult } from './types.ts';
