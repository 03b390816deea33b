import { Liquid, Tag, type Liquid as LiquidEngine, type TagToken, type TopLevelToken } from "liquidjs";
import { TemplateContent, type Locale } from "@siyu/contracts";
import { messagingErrors } from "../messaging.errors";

// Partials would read files on the server ({% include package.json %} does, even without quotes).
class RefusedTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: LiquidEngine) {
    super(token, remain, liquid);
    throw new Error(`{% ${token.name} %} is not available in message templates`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

// Templates are written by operators and rendered per customer: no file system, own properties
// only, and limits so a runaway loop cannot stall the dispatcher. The `date` filter shows times in
// the zone the engine is given (the workspace's), never the server's: one engine per zone.
function createEngine(timeZone?: string): LiquidEngine {
  const liquid = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    relativeReference: false,
    dynamicPartials: false,
    ...(timeZone ? { timezoneOffset: timeZone } : {}),
  });
  for (const name of ["include", "render", "layout"]) liquid.registerTag(name, RefusedTag);
  return liquid;
}

/** Parses and lists variables; renders nothing, so its zone does not matter. */
const engine = createEngine();
const engines = new Map<string, LiquidEngine>();
function engineIn(timeZone: string): LiquidEngine {
  let found = engines.get(timeZone);
  if (!found) engines.set(timeZone, (found = createEngine(timeZone)));
  return found;
}

type Parsed = ReturnType<typeof engine.parse>;

/**
 * Parsed templates by engine and source: the dispatcher renders the same few templates for every
 * customer of a batch. Bounded: past the limit the cache starts again.
 */
const parsedTemplates = new Map<string, Parsed>();
const PARSED_TEMPLATES_KEPT = 1_000;
function parsedOnce(liquid: LiquidEngine, timeZone: string, source: string): Parsed {
  const key = `${timeZone}\n${source}`;
  let parsed = parsedTemplates.get(key);
  if (!parsed) {
    if (parsedTemplates.size >= PARSED_TEMPLATES_KEPT) parsedTemplates.clear();
    parsedTemplates.set(key, (parsed = liquid.parse(source)));
  }
  return parsed;
}

const CONTENT_FIELDS = ["subject", "body", "text", "url", "providerTemplate"] as const;

/** Every Liquid string of one language's content with the field path it sits at. */
function stringsOf(locale: string, content: TemplateContent): { field: string; source: string }[] {
  const out = CONTENT_FIELDS.map((f) => ({ field: `content.${locale}.${f}`, source: content[f] }));
  for (const [k, v] of Object.entries(content.params)) out.push({ field: `content.${locale}.params.${k}`, source: v });
  return out.filter((s) => s.source !== "");
}

function parseField(field: string, source: string): Parsed {
  try {
    return engine.parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw messagingErrors.error("messaging.invalid_template", `${field}: ${message}`, { field, message });
  }
}

/** Parses every language; a syntax error is a 400 naming the field. Returns the variables used, sorted. */
export function templateVariables(content: Partial<Record<Locale, TemplateContent>>): string[] {
  const found = new Set<string>();
  for (const [locale, c] of Object.entries(content) as [Locale, TemplateContent][]) {
    for (const { field, source } of stringsOf(locale, c)) {
      const parsed = parseField(field, source);
      let vars: string[];
      try {
        vars = engine.globalFullVariablesSync(parsed);
      } catch (error) {
        throw messagingErrors.error("messaging.invalid_template", `${field}: ${error instanceof Error ? error.message : String(error)}`, { field });
      }
      for (const v of vars) found.add(v);
    }
  }
  return [...found].sort();
}

function valueAt(context: Record<string, unknown>, path: string): unknown {
  let at: unknown = context;
  for (const segment of path.split(".")) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, segment)) return undefined;
    at = (at as Record<string, unknown>)[segment];
  }
  return at;
}

/** The variables that have no value for this context (rendered empty). */
export function missingVariables(variables: readonly string[], context: Record<string, unknown>): string[] {
  return variables.filter((v) => {
    const value = valueAt(context, v);
    return value === undefined || value === null || value === "";
  });
}

/**
 * Renders one language's content, dates (`| date`) in `timeZone` (the workspace's IANA zone);
 * throws on a render error (the dispatcher suppresses with render_failed).
 */
export async function renderContent(content: TemplateContent, context: Record<string, unknown>, timeZone: string): Promise<TemplateContent> {
  const liquid = engineIn(timeZone);
  const render = async (source: string) => (source === "" ? "" : String(await liquid.render(parsedOnce(liquid, timeZone, source), context)));
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(content.params)) params[k] = await render(v);
  return TemplateContent.parse({
    subject: await render(content.subject),
    body: await render(content.body),
    text: await render(content.text),
    url: await render(content.url),
    providerTemplate: await render(content.providerTemplate),
    params,
  });
}

/** A customer gets their own language when the template has it, else the template's default. */
export function pickLocale(available: readonly string[], wanted: unknown, fallback: Locale): Locale {
  if (typeof wanted === "string") {
    const w = wanted.toLowerCase();
    const match = available.find((l) => l.toLowerCase() === w) ?? available.find((l) => w.startsWith(l.slice(0, 2).toLowerCase()));
    if (match) return match as Locale;
  }
  return available.includes(fallback) ? fallback : ((available[0] ?? fallback) as Locale);
}
