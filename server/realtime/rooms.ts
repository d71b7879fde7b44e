/** Socket.IO room names: one per channel (its members), one per worker (all its tabs). */
export const channelRoom = (channelSid: string) => `channel:${channelSid}`;
export const workerRoom = (workerSid: string) => `worker:${workerSid}`;
