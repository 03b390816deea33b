import { CreateTaskBody, type TaskDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { taskFormToBody, taskToForm, textToFilter } from "./task-form-values";

describe("task form ↔ API", () => {
  it("reads filters typed as property=value, >= and <=", () => {
    expect(textToFilter("store_id=SH-01")).toEqual({ property: "store_id", op: "eq", value: "SH-01" });
    expect(textToFilter("total >= 100")).toEqual({ property: "total", op: "gte", value: 100 });
    expect(textToFilter("first<=false")).toEqual({ property: "first", op: "lte", value: false });
    expect(textToFilter("no operator")).toBeNull();
  });

  it("round-trips a task, and the body passes the contract", () => {
    const task: TaskDto = {
      id: "0190a000-0000-7000-8000-000000000001",
      code: "new_week",
      nameZh: "新人任务",
      nameEn: "New",
      description: "",
      kind: "new_member",
      windowDays: 7,
      steps: [
        { kind: "profile_complete", traits: ["name", "birthday"] },
        { kind: "event", event: "Product Shared", count: 2, filters: [{ property: "channel", op: "eq", value: "wechat" }] },
      ],
      rewardPoints: 50,
      rewardTemplateId: null,
      status: "active",
      position: 3,
      activeFrom: "2026-11-29T00:00:00.000Z",
      createdAt: "2026-11-29T00:00:00.000Z",
      updatedAt: "2026-11-29T00:00:00.000Z",
    };
    const body = taskFormToBody(taskToForm(task), 3);
    expect(body).toMatchObject({ code: "new_week", kind: "new_member", windowDays: 7, steps: task.steps, rewardPoints: 50, position: 3 });
    expect(CreateTaskBody.safeParse(body).success).toBe(true);
    // A window only for new-member tasks.
    expect(taskFormToBody({ ...taskToForm(task), kind: "daily" }).windowDays).toBeNull();
  });
});
