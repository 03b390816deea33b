// What both stores' named prepared statements share (pglite-statements.ts, server-statements.ts).

/** Data statements (select, insert, update, delete, with): the texts that run as named statements. */
export const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** "cached plan must not change result type": a table a named statement reads changed shape. */
export const FEATURE_NOT_SUPPORTED = "0A000";
