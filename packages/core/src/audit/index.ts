export { createAuditService, appendAuditEntry, appendAuditEntries, diffFields } from "./audit.service";
export type { AuditService, AuditRecordInput } from "./audit.service";
export { auditEntries } from "./audit.schema";
