export { createAuditService, appendAuditEntry, diffFields } from "./audit.service";
export type { AuditService, AuditRecordInput } from "./audit.service";
export { auditEntries } from "./audit.schema";
