import { defineErrors } from "../shared/domain-error";

export const messagingErrors = defineErrors({
  "messaging.template_not_found": 404,
  "messaging.message_not_found": 404,
  "messaging.suppression_not_found": 404,
  /** A provider callback URL whose token is not a workspace's. */
  "messaging.callback_not_found": 404,
  "messaging.profile_not_found": 404,
  /** Liquid that does not parse; `details.field` names the content field (e.g. content.zh-CN.body). */
  "messaging.invalid_template": 400,
  /** A preview asked for a language the template does not have. */
  "messaging.locale_missing": 400,
  "messaging.invalid_settings": 400,
  /** A sent template belongs to another channel than the one asked for, or the API send names a webhook template. */
  "messaging.channel_mismatch": 422,
});
