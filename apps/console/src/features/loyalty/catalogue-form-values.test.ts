import { CatalogueItemBody, CatalogueItemDto, LotteryCampaignBody, LotteryCampaignDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { formToItem, formToLottery, itemToForm, lotteryToForm } from "./catalogue-form-values";

const at = "2026-05-01T00:00:00.000Z";

describe("catalogue and lottery forms", () => {
  it("round-trips a points + cash goods item, money in major units on the form", () => {
    const item = CatalogueItemDto.parse({
      id: "0190a000-0000-7000-8000-000000000001",
      kind: "goods",
      sku: "TUMBLER",
      name: "Tumbler",
      description: null,
      imageUrl: null,
      pointsCost: 800,
      cashMinor: 1990,
      stock: 20,
      redeemedCount: 3,
      perMemberLimit: 1,
      perMemberDailyLimit: null,
      availableFrom: null,
      availableUntil: null,
      storeIds: ["SH-001"],
      templateId: null,
      status: "active",
      createdAt: at,
      updatedAt: at,
    });
    const form = itemToForm(item, 100);
    expect(form.cash).toBe(19.9);
    const body = CatalogueItemBody.parse(formToItem(form, 100));
    expect(body).toMatchObject({ sku: "TUMBLER", pointsCost: 800, cashMinor: 1990, stock: 20, perMemberLimit: 1, storeIds: ["SH-001"] });
  });

  it("drops the goods-only fields of a coupon item and the ids of the prizes the kind does not use", () => {
    const body = formToItem({ kind: "coupon", sku: "X", name: "¥10", pointsCost: 200, cash: 5, stock: 3, templateId: "0190a000-0000-7000-8000-000000000002", status: "active" }, 100);
    expect(CatalogueItemBody.parse(body)).toMatchObject({ sku: null, cashMinor: null, stock: null, templateId: "0190a000-0000-7000-8000-000000000002" });
    const lottery = formToLottery({
      name: "Spring",
      pointsCost: 10,
      status: "active",
      prizes: [
        { name: "50 points", kind: "points", points: 50, templateId: "0190a000-0000-7000-8000-000000000002", weight: 5, stock: 10 },
        { name: "Thanks", kind: "none", weight: 95, stock: 4 },
      ],
    });
    const parsed = LotteryCampaignBody.parse(lottery);
    expect(parsed.prizes).toMatchObject([
      { kind: "points", points: 50, templateId: null, stock: 10 },
      { kind: "none", stock: null },
    ]);
    const dto = LotteryCampaignDto.parse({ ...parsed, id: "0190a000-0000-7000-8000-000000000003", prizes: parsed.prizes.map((p, i) => ({ ...p, id: `0190a000-0000-7000-8000-00000000001${i}`, awardedCount: 0 })), createdAt: at, updatedAt: at });
    expect(formToLottery(lotteryToForm(dto)).prizes.map((p) => p.id)).toEqual(dto.prizes.map((p) => p.id));
  });
});
