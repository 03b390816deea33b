import { join } from "node:path";
import type { RunningSiyu } from "@siyu/server";
import type { APIRequestContext, Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { launchChromium } from "./chromium";
import { artifactsDir, ensureConsoleBuild } from "./console-build";
import { until, type PollOptions } from "./poll";
import { startTestSiyu, type InitialOwner } from "./siyu-server";

export interface ConsoleHarnessOptions {
  /** Names the data folder (siyu-<name>-e2e-…) and the screenshots (artifacts/browser/<name>-<shot>.png). */
  name: string;
  /** The demo brand: false (default) when a test counts what it sent itself. */
  demo?: boolean;
  demoMembers?: number;
  /** Overrides the screenshots' prefix; "" writes artifacts/browser/<shot>.png. */
  screenshotPrefix?: string;
  /** How long a screenshot waits for antd's open/close animations (≈0.3 s) first; default 400 ms. */
  settleMs?: number;
  /** The defaults of `until` (20 s, every 200 ms). */
  poll?: PollOptions;
}

/** `/api/v1` through the page's session cookie; paths start after `/api/v1`. */
export interface ConsoleApi {
  /** GET, failing unless 200. */
  get<T>(path: string): Promise<T>;
  /** POST a JSON body, failing unless 2xx. */
  post<T>(path: string, data?: unknown): Promise<T>;
}

/** An ingest key of the logged-in workspace, and the Segment-style batch endpoint it opens. */
export interface IngestKey {
  secret: string;
  /** POST /v1/batch with the key, expecting 200. */
  send(batch: Record<string, unknown>[]): Promise<void>;
}

/** The workspace the console opened after the login. */
export interface LoggedIn {
  workspaceId: string;
  /** Its API path, `/workspaces/<id>`: what `api.get` and `api.post` paths start with. */
  ws: string;
}

export interface ConsoleHarness {
  siyu: RunningSiyu;
  browser: Browser;
  /** One English page at 1440 × 900 on Siyu's URL, 30 s default timeout, downloads accepted. */
  page: Page;
  owner: InitialOwner;
  /** The temporary data folder, removed by close(). */
  dataDir: string;
  /** Uncaught errors of the page: a test ends with `expect(pageErrors).toEqual([])`. */
  pageErrors: string[];
  /** Settles animations, scrolls to the top (the sticky header) and saves a full-page shot. */
  screenshot(name: string): Promise<void>;
  byTestId(id: string): Locator;
  /**
   * Opens a popconfirm with the `opener` test id and presses its OK button (`ok`). Under load a click
   * can land while antd is still drawing the popup and be lost: it presses again while the popup stays.
   */
  confirm(opener: string, ok: string): Promise<void>;
  /**
   * Opens an antd select (a test id or a locator) and picks the option showing `label`. Under load a
   * click can land while antd is still drawing or closing the list and be lost, leaving the list open
   * over the next field: it closes the list and picks again until the list has gone.
   */
  choose(select: string | Locator, label: string): Promise<void>;
  /**
   * Opens the Settings page `name` from the side menu (test id `nav-settings-<name>`, route
   * `/settings/<name>`), expanding the submenu when it is closed. Under load a click can land while
   * antd is still animating the submenu and be lost, or close it again: it opens the submenu when its
   * item is hidden and clicks again until the route changes.
   */
  settingsPage(name: string): Promise<void>;
  api: ConsoleApi;
  until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Opens /login and logs in as the initial owner: see submitLogin. */
  login(): Promise<LoggedIn>;
  /** Fills and submits the login form already on the page, then waits for the workspace's overview. */
  submitLogin(): Promise<LoggedIn>;
  /** Creates an ingest key in the workspace of the last login, through the API. */
  ingestKey(name?: string): Promise<IngestKey>;
  /** Closes the browser, stops Siyu and removes its data folder. */
  close(): Promise<void>;
}

/**
 * The harness of one test file: started before its tests, closed after them. Call it at the top of
 * the file or of its describe block; the returned function gives the running harness inside a test.
 */
export function useConsoleHarness(options: ConsoleHarnessOptions): () => ConsoleHarness {
  let harness: ConsoleHarness | undefined;
  beforeAll(async () => {
    harness = await startConsoleHarness(options);
  });
  // A failed test leaves a shot of the page as it was: artifacts/browser/<name>-FAILED-<test>.png.
  afterEach(async (context) => {
    if (!harness || context.task.result?.state !== "fail") return;
    const shot = context.task.name.replace(/[^\w-]+/g, "-").slice(0, 80);
    await harness.page
      .screenshot({ path: join(artifactsDir, `${options.name}-FAILED-${shot}.png`), fullPage: true, timeout: 10_000 })
      .catch((error: unknown) => console.warn(`no failure screenshot: ${String(error)}`));
  });
  afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error("the console harness is not running (did its start fail?)");
    return harness;
  };
}

/** Builds the console when stale, starts Siyu on a fresh data folder and opens Chromium on it. */
export async function startConsoleHarness(options: ConsoleHarnessOptions): Promise<ConsoleHarness> {
  ensureConsoleBuild();
  const server = await startTestSiyu(options);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
  };
  try {
    browser = await launchChromium();
    const context = await browser.newContext({
      baseURL: server.siyu.url,
      locale: "en-US",
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
    return {
      ...consoleHelpers(page, server.owner, options),
      siyu: server.siyu,
      browser,
      page,
      owner: server.owner,
      dataDir: server.dataDir,
      pageErrors,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

type ConsoleHelpers = Pick<ConsoleHarness, "screenshot" | "byTestId" | "confirm" | "choose" | "settingsPage" | "api" | "until" | "login" | "submitLogin" | "ingestKey">;

function consoleHelpers(page: Page, owner: InitialOwner, options: ConsoleHarnessOptions): ConsoleHelpers {
  const prefix = options.screenshotPrefix ?? options.name;
  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
  let workspaceId: string | undefined;

  const submitLogin = async () => {
    await byTestId("login-email").fill(owner.email);
    await byTestId("login-password").fill(owner.password);
    await byTestId("login-submit").click();
    await page.waitForURL(/\/w\/[^/]+\/overview$/);
    workspaceId = /\/w\/([^/]+)\//.exec(page.url())?.[1];
    if (!workspaceId) throw new Error(`no workspace in ${page.url()}`);
    return { workspaceId, ws: `/workspaces/${workspaceId}` };
  };

  return {
    byTestId,
    async confirm(opener, ok) {
      await byTestId(opener).click();
      const button = byTestId(ok);
      await button.waitFor();
      for (let attempt = 1; ; attempt++) {
        await button.click();
        try {
          await button.waitFor({ state: "hidden", timeout: 5_000 });
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    },
    async choose(select, label) {
      const opener = typeof select === "string" ? byTestId(select) : select;
      const open = page.locator(".ant-select-dropdown:visible");
      for (let attempt = 1; ; attempt++) {
        await opener.click();
        try {
          await open.locator(".ant-select-item-option").filter({ hasText: label }).first().click({ timeout: 5_000 });
          await open.waitFor({ state: "hidden", timeout: 5_000 });
          return;
        } catch (error) {
          if (attempt === 3) throw error;
          await page.keyboard.press("Escape");
          await open.waitFor({ state: "hidden", timeout: 5_000 }).catch(() => {});
        }
      }
    },
    async settingsPage(name) {
      const item = byTestId(`nav-settings-${name}`);
      const route = new RegExp(`/settings/${name}$`);
      for (let attempt = 1; ; attempt++) {
        try {
          // Closed, or closing under a click that landed mid-animation: open the submenu again.
          if (!(await item.isVisible())) {
            await byTestId("nav-settings").click({ timeout: 5_000 });
            await item.waitFor({ state: "visible", timeout: 5_000 });
          }
          await item.click({ timeout: 5_000 });
          await page.waitForURL(route, { timeout: 5_000 });
          return;
        } catch (error) {
          if (attempt === 4) throw error;
        }
      }
    },
    async screenshot(name) {
      await page.waitForTimeout(options.settleMs ?? 400);
      // The header is sticky: from a scrolled page it would be drawn across the middle of a full-page shot.
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: join(artifactsDir, `${prefix ? `${prefix}-` : ""}${name}.png`), fullPage: true });
    },
    api: requestApi(page.request),
    until: (what, read, ok, timeoutMs) => until(what, read, ok, { ...options.poll, ...(timeoutMs === undefined ? {} : { timeoutMs }) }),
    async login() {
      await page.goto("/login");
      return submitLogin();
    },
    submitLogin,
    async ingestKey(name = "e2e") {
      if (!workspaceId) throw new Error("log in before creating an ingest key");
      const created = await page.request.post(`/api/v1/workspaces/${workspaceId}/api-keys`, { data: { name, scope: "ingest" } });
      expect(created.status(), await created.text()).toBe(201);
      const { secret } = (await created.json()) as { secret: string };
      return { secret, send: (batch) => sendBatch(page.request, secret, batch) };
    },
  };
}

function requestApi(request: APIRequestContext): ConsoleApi {
  return {
    async get<T>(path: string) {
      const response = await request.get(`/api/v1${path}`);
      if (response.status() !== 200) throw new Error(`GET ${path} → ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async post<T>(path: string, data: unknown = {}) {
      const response = await request.post(`/api/v1${path}`, { data });
      if (!response.ok()) throw new Error(`POST ${path} → ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}

/** Events as a mini-program or shop backend sends them: Segment's batch API, the key as Basic user. */
export async function sendBatch(request: APIRequestContext, secret: string, batch: Record<string, unknown>[]): Promise<void> {
  const response = await request.post("/v1/batch", {
    headers: { authorization: `Basic ${Buffer.from(`${secret}:`).toString("base64")}` },
    data: { batch },
  });
  expect(response.status(), await response.text()).toBe(200);
}
