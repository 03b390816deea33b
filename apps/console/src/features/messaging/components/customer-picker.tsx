import type { ProfileSummaryDto } from "@siyu/contracts";
import { Select } from "antd";
import { useEffect, useState } from "react";
import { formatPhone } from "../../../lib/format/format-phone";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerSearch } from "../api/messaging-api";

const SEARCH_DEBOUNCE_MS = 300;

export function customerLabel(profile: Pick<ProfileSummaryDto, "name" | "phone" | "id">, unnamed: string): string {
  const name = profile.name ?? unnamed;
  return profile.phone ? `${name} · ${formatPhone(profile.phone)}` : `${name} · ${profile.id.slice(0, 8)}`;
}

/** A customer search box (name, phone or any identifier) whose value is the profile id. */
export function CustomerPicker(props: { value?: string; onChange?: (profileId: string | undefined) => void; placeholder?: string; testId: string; allowClear?: boolean }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  // The label of the chosen customer stays known after the search moves on.
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(typed.trim()), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [typed]);
  const search = useCustomerSearch(workspaceId, q);
  const options = (search.data?.items ?? []).map((p) => ({ value: p.id, label: customerLabel(p, t("messaging.customer.unnamed")) }));
  if (props.value && !options.some((o) => o.value === props.value)) {
    options.unshift({ value: props.value, label: chosen?.value === props.value ? chosen.label : props.value });
  }
  return (
    <Select
      showSearch
      allowClear={props.allowClear ?? true}
      value={props.value}
      placeholder={props.placeholder ?? t("messaging.customer.placeholder")}
      filterOption={false}
      onSearch={setTyped}
      loading={search.isFetching}
      options={options}
      onChange={(value: string | undefined) => {
        const option = options.find((o) => o.value === value);
        setChosen(option ?? null);
        props.onChange?.(value);
      }}
      style={{ width: "100%", minWidth: 220 }}
      data-testid={props.testId}
    />
  );
}
