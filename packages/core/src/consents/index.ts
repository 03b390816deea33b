export { createConsentsService, syncConsentsToWarehouse } from "./consents.service";
export type { ConsentsService } from "./consents.service";
export { consents } from "./consents.schema";
