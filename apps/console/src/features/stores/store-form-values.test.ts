import { CreateStoreBody } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { formValuesToStoreBody, storeToFormValues } from "./store-form-values";

describe("store form values", () => {
  it("turns blank optional fields into null and trims text", () => {
    const body = formValuesToStoreBody({
      code: " SH-001 ",
      name: " 人民广场店 ",
      city: "上海",
      address: "  ",
      phone: undefined,
      status: "open",
    });
    expect(body).toEqual({ code: "SH-001", name: "人民广场店", city: "上海", address: null, phone: null, status: "open" });
    expect(CreateStoreBody.safeParse(body).success).toBe(true);
  });

  it("round-trips a store", () => {
    const values = storeToFormValues({
      id: "0190f1e2-0000-7000-8000-000000000001",
      code: "BJ-002",
      name: "三里屯店",
      city: "北京",
      address: null,
      phone: "010-1234",
      status: "closed",
      createdAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-01-02T00:00:00Z",
    });
    expect(values.address).toBe("");
    expect(formValuesToStoreBody(values)).toMatchObject({ address: null, phone: "010-1234", status: "closed" });
  });
});
