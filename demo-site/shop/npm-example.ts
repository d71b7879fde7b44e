/** The npm example page's code: the same calls its visible sample shows. */
import { createWebchat } from 'parley-webchat';

const flexFlowSid = document.querySelector<HTMLMetaElement>('meta[name="parley-flex-flow"]')?.content ?? '';

const webchat = createWebchat({ flexFlowSid, customerFriendlyName: 'Ada' });

webchat.on('message', (message) => console.log(message.authorName, message.body));
document.querySelector('#help')?.addEventListener('click', () => webchat.open());
