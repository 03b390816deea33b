import { z } from "zod";
import { IsoDateTime } from "./common";

/** The channels Siyu sends on; brands may add their own (lower-case letters, digits and _). */
export const KNOWN_CONSENT_CHANNELS = ["sms", "email", "wecom", "wechat_subscribe", "wechat_template", "app_push", "inbox"] as const;
export const ConsentChannel = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, { message: "must be a channel name such as sms, email or wecom" });
export const ConsentPurpose = z.enum(["marketing", "service"]);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;
export const ConsentSource = z.enum(["operator", "api", "member", "import"]);
export type ConsentSource = z.infer<typeof ConsentSource>;

export const ConsentDto = z.object({
  channel: z.string(),
  purpose: ConsentPurpose,
  granted: z.boolean(),
  source: ConsentSource,
  updatedAt: IsoDateTime,
  updatedBy: z.string().nullable(),
});
export type ConsentDto = z.infer<typeof ConsentDto>;
export const ConsentListDto = z.object({ items: z.array(ConsentDto) });
export type ConsentListDto = z.infer<typeof ConsentListDto>;

export const SetConsentsBody = z.strictObject({
  consents: z
    .array(z.strictObject({ channel: ConsentChannel, purpose: ConsentPurpose, granted: z.boolean() }))
    .min(1)
    .max(50),
});
export type SetConsentsBody = z.infer<typeof SetConsentsBody>;
