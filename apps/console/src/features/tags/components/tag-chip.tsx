import { Tag } from "antd";
import type { ReactNode } from "react";

/** A tag as customers see it everywhere: its name in its colour. */
export function TagChip(props: { name: string; color: string | null; closable?: boolean; onClose?: () => void; extra?: ReactNode }) {
  return (
    <Tag
      color={props.color ?? "blue"}
      closable={props.closable}
      onClose={(e) => {
        e.preventDefault();
        props.onClose?.();
      }}
      style={{ marginBottom: 4 }}
    >
      {props.name}
      {props.extra}
    </Tag>
  );
}
