/**
 * Channel attributes as a Studio flow reads them (`trigger.message.ChannelAttributes`): Flex's
 * names (`from`, `channel_type`, `pre_engagement_data`, `initial_question`) beside the camelCase
 * names Parley stores and earlier flows use, so Flex's default send-to-flex attributes
 * (`{{trigger.message.ChannelAttributes.channel_type}}`) and Parley's both work.
 */
export function flexChannelAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const pre = (attributes.pre_engagement_data ?? attributes.preEngagementData) as
    | Record<string, unknown>
    | undefined;
  const question = attributes.initial_question ?? attributes.initialQuestion ?? pre?.question;
  return {
    ...attributes,
    channel_type: attributes.channel_type ?? attributes.channelType,
    ...(pre !== undefined && { pre_engagement_data: pre, preEngagementData: pre }),
    ...(question !== undefined && { initial_question: question }),
  };
}
