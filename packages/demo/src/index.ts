export { createRng, type Rng } from "./rng";
export { generateChineseName, type ChineseName, type DemoGender } from "./names";
export { MAINLAND_MOBILE_E164, generateMobilePhone, isDemoPhone } from "./phones";
export {
  generateDemoBrand,
  type DemoBrand,
  type DemoBrandOptions,
  type DemoWindow,
  type DemoWorkspace,
} from "./brand";
export type { DemoMember, DemoPersona, DemoWechatIds } from "./members";
export { DEMO_PRODUCT_CATEGORIES, type DemoProduct, type DemoProductCategory } from "./menu";
export { DEMO_STORE_BRAND, DEMO_STORE_CITIES, type DemoStore } from "./stores";
export {
  DEFAULT_DEMO_END_DATE,
  DEFAULT_DEMO_HISTORY_MONTHS,
  DEFAULT_DEMO_MEMBER_COUNT,
  DEFAULT_DEMO_SEED,
  DEMO_ARCHETYPES,
  DEMO_ARCHETYPE_PROFILES,
  DEMO_CHANNEL_WEIGHTS,
  DEMO_SOURCE_CHANNELS,
  DEMO_WORKSPACE,
  MAX_DEMO_MEMBER_COUNT,
  type DemoArchetype,
  type DemoArchetypeProfile,
  type DemoSourceChannel,
} from "./brand.defaults";
export {
  createDemoModuleRegistry,
  defineDemoModule,
  demoModuleRng,
  runDemoModule,
  type DemoModule,
  type DemoModuleRegistry,
} from "./modules";
export { demoBehaviourModule, generateDemoMessages, DEMO_MINI_PROGRAM_APP_ID, type DemoMessage, type DemoBehaviourOptions } from "./behaviour";
export { DEMO_CAMPAIGNS_BY_MONTH, DEMO_TOUCH_CHANNELS, DEMO_TOUCH_EVENTS, demoCampaignAt, type DemoTouchChannel } from "./touches";
