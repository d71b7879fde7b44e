/**
 * The widget's settings: the Flex Flow's (`GET /v1/WebChannels/Config`) with the site's local
 * options laid over them. A server without the endpoint (older) counts as always available.
 */
import type { WidgetSettings } from '../state/chat-state';
import type { WebchatOptions } from '../types';
import { fetchWidgetConfig, WebChannelError } from './web-channels';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const DEFAULT_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'pdf', 'txt'];

export async function loadSettings(serverUrl: string, options: WebchatOptions): Promise<WidgetSettings> {
  let remote: Awaited<ReturnType<typeof fetchWidgetConfig>> | null = null;
  try {
    remote = await fetchWidgetConfig(serverUrl, options.flexFlowSid);
  } catch (error) {
    if (!(error instanceof WebChannelError && error.status === 404)) throw error;
  }
  const config = remote?.widgetConfig ?? {};
  const attachments = { enabled: true, ...config.fileAttachment, ...options.fileAttachment };
  const preEngagementConfig = options.preEngagementConfig ?? config.preEngagementConfig;
  return {
    ...(preEngagementConfig?.fields.length ? { preEngagementConfig } : {}),
    ...(config.offlineMessage ? { offlineMessage: config.offlineMessage } : {}),
    ...(config.welcomeMessage ? { welcomeMessage: config.welcomeMessage } : {}),
    ...(config.teamLine ? { teamLine: config.teamLine } : {}),
    ...(config.rating ? { rating: config.rating } : {}),
    fileAttachment: {
      enabled: attachments.enabled,
      maxFileSize: attachments.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      acceptedExtensions: (attachments.acceptedExtensions ?? DEFAULT_EXTENSIONS).map((e) => e.toLowerCase()),
    },
    available: remote?.availability.available ?? true,
    reason: remote?.availability.reason ?? null,
    agentsAvailable: remote?.availability.agentsAvailable ?? remote?.availability.available ?? true,
  };
}
