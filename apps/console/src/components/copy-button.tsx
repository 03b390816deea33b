import { CheckOutlined, CopyOutlined } from "@ant-design/icons";
import { App, Button } from "antd";
import { useEffect, useState } from "react";
import { useT } from "../lib/i18n";

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP self-hosted installs have no Clipboard API; the legacy path still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

export function CopyButton(props: { text: string; testId?: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  return (
    <Button
      data-testid={props.testId}
      icon={copied ? <CheckOutlined /> : <CopyOutlined />}
      onClick={() => {
        copyText(props.text).then(
          () => setCopied(true),
          () => void message.warning(t("common.copyFailed")),
        );
      }}
    >
      {copied ? t("common.copied") : t("common.copy")}
    </Button>
  );
}
