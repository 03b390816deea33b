/**
 * The app registers its merged dictionary type here (see app/i18n/messages.ts), so that
 * `useT()` checks keys at compile time while features import nothing from app/.
 * Same idea as TanStack Router's `Register` interface.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface Register {}

export type Messages = Register extends { messages: infer M } ? M : Record<string, string>;
export type MessageKey = Extract<keyof Messages, string>;
