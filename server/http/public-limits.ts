/**
 * The limits of the public endpoints, as a type alone: `ServerOptions.limits` names it, and a
 * module without runtime imports keeps Express's types out of the package's public declarations
 * (an application that imports parley-server needs no @types/express).
 */
export interface PublicLimits {
  /** Sign-in attempts per IP per minute. */
  signInPerMinute: number;
  /** Channels opened per IP per minute. */
  webChannelsPerMinute: number;
  /** Requests with credentials answered 401 per IP per minute before the rest are refused (30). */
  authFailuresPerMinute?: number;
  /** Megabytes of files visitors at one IP may download per minute (500). */
  downloadMbPerMinutePerIp?: number;
}
