// The provider adapters (email, sms, wecom, wechat_*): one factory each, wired by the channel registry.
export { createEmailChannel, EmailChannelConfig, smtpErrorResult, type EmailChannelDeps } from "./email.channel";
export { createSmsChannel, SmsChannelConfig, AliyunSmsChannelConfig, TencentSmsChannelConfig, type SmsChannelDeps } from "./sms.channel";
export { parseAliyunSmsReplies, AliyunSmsUpBody, ALIYUN_SMS_REPLY_ACK, type SmsReply } from "./sms-aliyun";
export { parseTencentSmsReplies, TencentSmsReplyBody, TENCENT_SMS_REPLY_ACK } from "./sms-tencent";
export { createWecomChannel, WecomChannelConfig, type WecomChannelDeps } from "./wecom.channel";
export { createWechatSubscribeChannel, createWechatTemplateChannel, WechatChannelConfig, type WechatChannelDeps } from "./wechat.channel";
export { createAccessTokenCache, type AccessTokenCache } from "./access-token";
export type { FetchLike } from "./provider-support";
