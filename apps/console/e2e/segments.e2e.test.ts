import { readFileSync } from "node:fs";
import { refreshProfileSnapshot } from "@siyu/core";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

type Summary = { id: string; name: string | null; orderCount: number };

// No demo brand: the counts below are exact, from the five customers this test sends.
const harness = useConsoleHarness({ name: "segments", demo: false, poll: { timeoutMs: 30_000, intervalMs: 250 } });

/** The live count once it has settled: the debounce has passed and the answer for the current rule is in. */
async function liveCount(): Promise<number | null> {
  const preview = harness().byTestId("segment-preview");
  if ((await preview.getAttribute("data-state")) !== "ready") return null;
  const count = await preview.getAttribute("data-count");
  return count ? Number(count) : null;
}

async function expectLiveCount(expected: number): Promise<void> {
  await harness().until(`a live count of ${expected}`, liveCount, (count) => count === expected);
}

/** Picks an option of a searchable antd Select by typing (its list is virtual: not every option is in the DOM). */
async function searchSelect(select: Locator, text: string): Promise<void> {
  await select.click();
  await harness().page.keyboard.type(text);
  await harness().page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option-active").waitFor();
  await harness().page.keyboard.press("Enter");
}

/** Adds a condition of that kind to the root group and returns its node, the root's rules[index]. */
async function addCondition(kind: string, index: number): Promise<Locator> {
  const node = harness().byTestId(`rule-node-rules.${index}`);
  // Under load a click can land while antd is still drawing the menu and be lost: open it and pick again.
  for (let attempt = 1; ; attempt++) {
    const item = harness().byTestId(`rule-add-kind-${kind}`);
    if (!(await item.isVisible())) await harness().byTestId("rule-add-condition-root").click();
    await item.click();
    try {
      await node.waitFor({ timeout: 10_000 });
      return node;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

describe("Segments in Chromium", () => {
  it("builds a 3-condition segment with a live count, saves it, lists it and exports its members", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey, siyu } = harness();
    // 1. Log in as the initial owner.
    const { workspaceId, ws } = await login();

    // 2. Five customers through the ingest API, as a mini-program would send them:
    //            city       orders  Product Viewed (last 30 days)
    //   陈静     Shanghai   1       3      ← all three conditions
    //   王磊     Shanghai   1       1
    //   刘洋     Shanghai   0       2
    //   赵敏     Hangzhou   2       2
    //   孙丽     Shanghai   2       2      ← all three conditions
    const key = await ingestKey("e2e segments");
    const customers = [
      { userId: "m-1", name: "陈静", city: "Shanghai", orders: 1, views: 3 },
      { userId: "m-2", name: "王磊", city: "Shanghai", orders: 1, views: 1 },
      { userId: "m-3", name: "刘洋", city: "Shanghai", orders: 0, views: 2 },
      { userId: "m-4", name: "赵敏", city: "Hangzhou", orders: 2, views: 2 },
      { userId: "m-5", name: "孙丽", city: "Shanghai", orders: 2, views: 2 },
    ];
    const batch: Record<string, unknown>[] = [];
    let n = 0;
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const track = (userId: string, event: string, timestamp: string, properties: Record<string, unknown>) =>
      batch.push({ type: "track", messageId: `seg-${++n}`, userId, event, timestamp, properties });
    for (const c of customers) {
      batch.push({ type: "identify", messageId: `seg-${++n}`, userId: c.userId, traits: { name: c.name, city: c.city } });
      for (let i = 0; i < c.orders; i += 1) {
        track(c.userId, "Order Completed", ago(3 + i), { order_id: `SEG-${c.userId}-${i}`, total: 99, currency: "CNY" });
      }
      for (let i = 0; i < c.views; i += 1) track(c.userId, "Product Viewed", ago(1 + i), { product_id: `tea-0${i}` });
    }
    await key.send(batch);
    await until(
      "five customers with their orders",
      () => api.get<{ items: Summary[] }>(`${ws}/customers`),
      (p) => p.items.length === 5 && p.items.reduce((sum, c) => sum + c.orderCount, 0) === 6,
    );

    // The live count reads the warehouse's profile snapshot, which the server refreshes every few
    // minutes (and before saving a segment). Refresh it now, as that schedule would, so the first
    // preview already sees the five customers; then wait until the events are loaded too.
    const running = siyu.siyu;
    await refreshProfileSnapshot({ db: running.database.db, warehouse: running.warehouse });
    const fullRule = {
      type: "and",
      rules: [
        { type: "trait", trait: "city", op: "eq", value: "Shanghai" },
        { type: "trait", trait: "order_count", op: "gte", value: 1 },
        { type: "event", event: "Product Viewed", measure: { kind: "count" }, op: "gte", value: 2, window: { kind: "in_last_days", days: 30 } },
      ],
    };
    await until(
      "the warehouse to hold the events",
      async () => {
        const response = await page.request.post(`/api/v1${ws}/segments/preview`, { data: { rule: fullRule } });
        return response.status() === 200 ? ((await response.json()) as { count: number }).count : `${response.status()} ${await response.text()}`;
      },
      (count) => count === 2,
    );

    // 3. The builder: an empty rule counts everyone.
    await byTestId("nav-segments").click();
    await page.waitForURL(/\/segments$/);
    await byTestId("segment-table").waitFor();
    await byTestId("segment-new").click();
    await page.waitForURL(/\/segments\/new$/);
    await byTestId("segment-name").fill("Shanghai buyers who browse");
    await expectLiveCount(5);
    await screenshot("01-builder-empty");

    // Condition 1: city is Shanghai → 4.
    const first = await addCondition("trait", 0);
    await searchSelect(first.locator('[data-testid="rule-trait"]'), "City");
    await first.locator('[data-testid="rule-value"] input').fill("Shanghai");
    await expectLiveCount(4);

    // Condition 2: orders ≥ 1 → 3.
    const second = await addCondition("trait", 1);
    await searchSelect(second.locator('[data-testid="rule-trait"]'), "order_count");
    await harness().choose(second.locator('[data-testid="rule-op"]'), "≥");
    await second.locator('[data-testid="rule-value"] input').fill("1");
    await expectLiveCount(3);

    // Condition 3: Product Viewed at least twice in the last 30 days → 2.
    const third = await addCondition("event", 2);
    await searchSelect(third.locator('[data-testid="rule-event"]'), "Product Viewed");
    await third.locator('[data-testid="rule-value"] input').fill("2");
    // antd's InputNumber puts the test id on its <input>.
    expect(await third.locator('[data-testid="rule-window-days"]').inputValue()).toBe("30");
    await expectLiveCount(2);
    const sample = byTestId("segment-preview-sample");
    await sample.getByText("陈静", { exact: true }).waitFor();
    await sample.getByText("孙丽", { exact: true }).waitFor();
    expect(await byTestId("segment-preview-took").innerText()).toMatch(/counted in \d+ ms/);
    await screenshot("02-builder-three-conditions");

    // NOT on the event condition flips it: Shanghai buyers who did NOT browse twice → 1 (王磊).
    await third.locator('[data-testid="rule-not"]').click();
    await expectLiveCount(1);
    await byTestId("rule-node-rules.2.rule").locator('[data-testid="rule-not"]').click();
    await expectLiveCount(2);

    // A range the server refuses (low above high) is reported at the condition it names.
    await harness().choose(third.locator('[data-testid="rule-op"]'), "between");
    await third.locator('[data-testid="rule-value"] input').last().fill("1");
    await until("the server's complaint at the event condition", () => byTestId("segment-preview").getAttribute("data-state"), (state) => state === "invalid");
    expect(await third.locator('[data-testid="rule-problems"]').innerText()).toContain("low must not be above high");
    await screenshot("03-builder-server-error");
    await harness().choose(third.locator('[data-testid="rule-op"]'), "≥");
    await expectLiveCount(2);
    expect(await third.locator('[data-testid="rule-problems"]').count()).toBe(0);

    // 4. Save: the segment's page, with its size and definition in words.
    await byTestId("segment-save").click();
    await page.waitForURL(/\/segments\/[0-9a-f-]{36}$/);
    const segmentId = /\/segments\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    await byTestId("segment-detail").waitFor();
    expect(await byTestId("segment-title").innerText()).toBe("Shanghai buyers who browse");
    const definition = await byTestId("segment-definition").innerText();
    expect(definition).toContain("City is “Shanghai”");
    expect(definition).toContain("“Product Viewed” ≥ 2, in the last 30 days");
    await until("the size after the first refresh", () => byTestId("segment-size").innerText(), (text) => text.includes("2"));
    const members = byTestId("segment-members");
    await members.getByText("陈静", { exact: true }).waitFor();
    await members.getByText("孙丽", { exact: true }).waitFor();
    await screenshot("04-detail");

    // 5. The list shows it with its size.
    await byTestId("segment-back").click();
    await page.waitForURL(/\/segments$/);
    const row = byTestId(`segment-row-${segmentId}`);
    await row.waitFor();
    expect(await row.innerText()).toContain("Shanghai buyers who browse");
    expect(await byTestId(`segment-size-${segmentId}`).innerText()).toBe("2");
    await screenshot("05-list");

    // The workspace's segment defaults are the operator's to change.
    await byTestId("segment-settings").click();
    const refreshEvery = page.locator("#defaultRefreshEveryMinutes");
    await refreshEvery.waitFor();
    await refreshEvery.fill("120");
    await byTestId("segment-settings-save").click();
    await until("the new default", () => api.get<{ defaultRefreshEveryMinutes: number }>(`${ws}/segments/settings`), (s) => s.defaultRefreshEveryMinutes === 120);

    // 6. Export: the browser downloads a CSV of the two members.
    const [download] = await Promise.all([page.waitForEvent("download"), byTestId(`segment-export-${segmentId}`).click()]);
    const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).join("\n")).toContain("陈静");
    expect(lines.slice(1).join("\n")).toContain("孙丽");
    expect(csv).not.toContain("王磊");

    // 7. The builder in Chinese.
    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await page.goto(`/w/${workspaceId}/segments/${segmentId}/edit`);
    await byTestId("rule-node-rules.2").waitFor();
    await expectLiveCount(2);
    await page.getByText("全部满足", { exact: true }).first().waitFor();
    await screenshot("06-builder-zh");
    await byTestId("lang-switch").getByText("English", { exact: true }).click();

    expect(pageErrors).toEqual([]);
  });
});
