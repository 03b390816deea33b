import { accessErrors } from "./access/access.errors";
import { apiKeyErrors } from "./api-keys/api-keys.errors";
import { storeErrors } from "./stores/stores.errors";
import { workspaceErrors } from "./workspaces/workspaces.errors";
import { identityErrors } from "./identity/identity.errors";
import { profileErrors } from "./profiles/profiles.errors";
import { warehouseErrors } from "./warehouse/warehouse.errors";
import { importErrors } from "./imports/imports.errors";
import { clvErrors } from "./clv/clv.errors";
import { tagErrors } from "./tags/tags.errors";
import { scoresErrors } from "./scores/scores.errors";
import { segmentErrors } from "./segments/segments.errors";
import { loyaltyErrors } from "./loyalty/loyalty.errors";
import { memberTokenErrors } from "./member-tokens/member-tokens.errors";
import { exploreErrors } from "./analytics/explore/explore.errors";
import { attributionErrors } from "./analytics/attribution/attribution.errors";
import { alertErrors } from "./analytics/alerts/alerts.errors";
import { journeyErrors } from "./journeys/journeys.errors";
import { kpiErrors } from "./analytics/kpi/kpi.errors";
import { broadcastErrors } from "./broadcasts/broadcasts.errors";
import { playbookErrors } from "./journeys/playbooks/playbooks.errors";
import { messagingErrors } from "./messaging/messaging.errors";

/** Every domain error code with its HTTP status: the closed set the HTTP edge maps. */
export const DOMAIN_ERROR_STATUS: Readonly<Record<string, number>> = {
  ...workspaceErrors.codes,
  ...storeErrors.codes,
  ...accessErrors.codes,
  ...apiKeyErrors.codes,
  ...identityErrors.codes,
  ...profileErrors.codes,
  ...warehouseErrors.codes,
  ...importErrors.codes,
  ...clvErrors.codes,
  ...tagErrors.codes,
  ...scoresErrors.codes,
  ...segmentErrors.codes,
  ...loyaltyErrors.codes,
  ...memberTokenErrors.codes,
  ...exploreErrors.codes,
  ...attributionErrors.codes,
  ...alertErrors.codes,
  ...journeyErrors.codes,
  ...kpiErrors.codes,
  ...broadcastErrors.codes,
  ...playbookErrors.codes,
  ...messagingErrors.codes,
  "ingest.invalid": 400,
};
