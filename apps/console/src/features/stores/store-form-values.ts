import type { StoreDto } from "@siyu/contracts";

export type StoreFormValues = {
  code: string;
  name: string;
  city: string;
  address?: string;
  phone?: string;
  status: "open" | "closed";
};

export const STORE_FORM_FIELDS = ["code", "name", "city", "address", "phone", "status"] as const;

export const EMPTY_STORE_FORM: StoreFormValues = { code: "", name: "", city: "", address: "", phone: "", status: "open" };

export function storeToFormValues(store: StoreDto): StoreFormValues {
  return {
    code: store.code,
    name: store.name,
    city: store.city,
    address: store.address ?? "",
    phone: store.phone ?? "",
    status: store.status,
  };
}

/** Optional text left empty means "none" (null), not an empty string stored forever. */
export function formValuesToStoreBody(values: StoreFormValues) {
  const optional = (value: string | undefined) => {
    const trimmed = value?.trim() ?? "";
    return trimmed === "" ? null : trimmed;
  };
  return {
    code: values.code.trim(),
    name: values.name.trim(),
    city: values.city.trim(),
    address: optional(values.address),
    phone: optional(values.phone),
    status: values.status,
  };
}
