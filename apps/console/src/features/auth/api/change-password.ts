import type { ChangePasswordBody } from "@siyu/contracts";
import { useMutation } from "@tanstack/react-query";
import { apiCommand } from "../../../lib/api";

export function changePassword(body: ChangePasswordBody): Promise<void> {
  return apiCommand("/me/password", { method: "POST", body });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
