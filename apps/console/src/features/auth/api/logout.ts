import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { apiCommand } from "../../../lib/api";

export function logout(): Promise<void> {
  return apiCommand("/auth/logout", { method: "POST" });
}

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: logout,
    // Leave even if the server is unreachable: the operator asked to go, and the cookie
    // is httpOnly, so the console cannot do more than forget what it cached.
    onSettled: async () => {
      await navigate("/login", { replace: true });
      queryClient.clear();
    },
  });
}
