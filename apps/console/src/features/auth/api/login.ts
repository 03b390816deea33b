import { MeDto, type LoginBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api";
import { meQueryKey } from "../../../lib/session";

export function login(body: LoginBody): Promise<MeDto> {
  return apiRequest("/auth/login", MeDto, { method: "POST", body });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}
