import { Select } from "antd";
import { useMemo, useState } from "react";
import { useT } from "../../../lib/i18n";
import { useStoreOptions } from "../api/get-store-options";

/** Picks stores by name or code, searching on the server so large chains stay fast. */
export function StoreMultiSelect(props: {
  workspaceId: string;
  value?: string[];
  onChange?: (value: string[]) => void;
  testId?: string;
}) {
  const t = useT();
  const [q, setQ] = useState("");
  const stores = useStoreOptions(props.workspaceId, q);
  const options = useMemo(
    () => (stores.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name} · ${s.code}` })),
    [stores.data],
  );
  return (
    <Select<string[]>
      mode="multiple"
      allowClear
      showSearch
      filterOption={false}
      onSearch={setQ}
      onBlur={() => setQ("")}
      loading={stores.isFetching}
      value={props.value}
      onChange={props.onChange}
      options={options}
      placeholder={t("operators.stores.placeholder")}
      notFoundContent={t("operators.stores.noMatch")}
      style={{ width: "100%" }}
      data-testid={props.testId}
    />
  );
}
