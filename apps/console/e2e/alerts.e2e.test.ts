import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

// Alerts read the warehouse, which loads the events within a poll: longer polls; the chart animates in: a longer settle.
const harness = useConsoleHarness({ name: "alerts", demo: false, settleMs: 600, poll: { timeoutMs: 30_000, intervalMs: 300 } });

/** The local day `n` days before today in the workspace's time zone (Asia/Shanghai, UTC+8 all year). */
function shanghaiDay(n: number): string {
  const d = new Date(Date.now() + 8 * 3_600_000);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

const RULE = "Complaints up 30 % on the day (console)";

describe("alerts in Chromium", () => {
  it("installs the plans' rules, previews a +30 % rule, evaluates it and acknowledges the alert", async () => {
    const { page, byTestId, choose, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { ws } = await login();
    const key = await ingestKey("e2e alerts");
    // Complaints at local noon: 10 three days ago, 10 two days ago, 14 yesterday (+40 %).
    const batch: Record<string, unknown>[] = [];
    for (const [daysAgo, count] of [[3, 10], [2, 10], [1, 14]] as const) {
      for (let i = 0; i < count; i++) {
        batch.push({ type: "track", messageId: `c-${daysAgo}-${i}`, userId: `member-${i}`, event: "Complaint Filed", timestamp: `${shanghaiDay(daysAgo)}T12:00:00+08:00`, properties: { reason: "late delivery" } });
      }
    }
    await key.send(batch);
    const yesterday = shanghaiDay(1);
    const body = { name: RULE, metric: { kind: "event_count", event: "Complaint Filed" }, granularity: "day", condition: { kind: "change", percent: 30 } };
    await until(
      "yesterday's 14 complaints in the warehouse",
      async () => (await api.post<{ points: { periodStart: string; value: number | null }[] }>(`${ws}/alerts/preview`, body)).points.at(-1),
      (p) => p?.periodStart === yesterday && p.value === 14,
    );

    await byTestId("nav-alerts").click();
    await page.waitForURL(/\/alerts$/);
    await byTestId("alerts-notifications").getByText("No alert to acknowledge.").waitFor();
    await byTestId("alerts-install-defaults").click();
    const rules = byTestId("alert-rules");
    await until("the five plan rules", async () => rules.locator("tbody tr.ant-table-row").count(), (n) => n === 5);
    const rulesText = await rules.innerText();
    expect(rulesText).toContain("Complaint rate above 0.5 %, two weeks running");
    expect(rulesText).toContain("below mean − 2σ of the 12 weeks before, 2 weeks running");
    expect(rulesText).toContain("up 30 % on the day before");
    await screenshot("01-defaults");

    // A new rule through the form: the count of Complaint Filed per day, +30 % on the day before.
    await byTestId("alerts-new-rule").click();
    await byTestId("alert-rule-name").fill(RULE);
    await byTestId("alert-rule-event").fill("Complaint Filed");
    await choose("alert-rule-severity", "Emergency");
    // A bad webhook URL is refused by the server, next to the field.
    await byTestId("alert-rule-webhook").fill("ftp://hooks.example.com");
    await byTestId("alert-rule-save").click();
    await byTestId("alert-rule-form").locator(".ant-form-item-has-error").filter({ hasText: "Webhook URL" }).waitFor();
    await byTestId("alert-rule-webhook").fill("");
    expect(await byTestId("alert-rule-form").locator(".ant-form-item-has-error").count()).toBe(0);

    // The preview marks yesterday as where the rule fires.
    const summary = byTestId("alert-preview-summary");
    await until("the preview fires yesterday", async () => summary.getAttribute("data-fires"), (fires) => fires === yesterday);
    expect(await summary.innerText()).toContain("Fired periods: 1");
    await byTestId("alert-preview-chart").locator("canvas").waitFor();
    await screenshot("02-rule-preview");
    await byTestId("alert-preview-view").getByText("Table").click();
    const yesterdayRow = byTestId("alert-preview-table").locator("tbody tr").filter({ hasText: yesterday });
    expect(await yesterdayRow.innerText()).toMatch(/14\s+13\s+Fired/);
    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("alert-preview-csv").click()]);
    const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
    expect(csv.split(/\r\n/)).toContain(`${yesterday},14,13,fired`);

    await byTestId("alert-rule-save").click();
    await byTestId("alert-rule-saved").waitFor();
    expect(await byTestId("alert-rule-secret").inputValue()).toMatch(/^whsec_/);
    await screenshot("03-rule-saved");
    await byTestId("alert-rule-close").click();
    await until("six rules", async () => rules.locator("tbody tr.ant-table-row").count(), (n) => n === 6);
    const created = (await api.get<{ items: { id: string; name: string }[] }>(`${ws}/alerts/rules`)).items.find((r) => r.name === RULE)!;

    // Evaluate now: the new rule judges yesterday and fires (and so does the plans' own surge rule).
    await byTestId("alerts-evaluate").click();
    await page.getByText(/Evaluated: 2 alerts raised or resolved/).waitFor();
    await until("the rule is firing", async () => byTestId(`alert-rule-state-${created.id}`).innerText(), (s) => s === "Firing");
    const ours = byTestId("alerts-notifications").locator(".ant-list-item").filter({ hasText: RULE });
    await ours.waitFor();
    const text = await ours.innerText();
    expect(text).toContain("Emergency");
    expect(text).toContain(`Period from ${yesterday}`);
    expect(text).toContain("14 (bound 13)");
    expect(text).toContain("no webhook");
    expect(await byTestId("alerts-unacknowledged").innerText()).toBe("2");
    await screenshot("04-notifications");

    await ours.getByRole("button", { name: "Acknowledge" }).click();
    await until("one alert left to acknowledge", async () => byTestId("alerts-unacknowledged").innerText(), (n) => n === "1");
    await ours.waitFor({ state: "detached" });
    const acknowledged = (await api.get<{ items: { ruleName: string; acknowledgedAt: string | null }[] }>(`${ws}/alerts/events`)).items.find((e) => e.ruleName === RULE);
    expect(acknowledged?.acknowledgedAt).not.toBeNull();
    await byTestId("alerts-show-all").click();
    await ours.getByText("Acknowledged").waitFor();
    await screenshot("05-acknowledged");

    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await byTestId("alerts-notifications").getByText("预警通知").waitFor();
    await byTestId("alert-rules").getByText("较上一日上升 30%").first().waitFor();
    await screenshot("06-alerts-zh");
    expect(pageErrors).toEqual([]);
  });
});
