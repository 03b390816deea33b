import { Alert, Flex, Input } from "antd";
import { useT } from "../lib/i18n";
import { CopyButton } from "./copy-button";

/** A value the server returns once (API key secret, invitation link) with its copy button and warning. */
export function OneTimeSecret(props: { value: string; testId: string; copyTestId: string }) {
  const t = useT();
  return (
    <Flex vertical gap={12}>
      <Alert type="warning" showIcon message={t("common.secret.warning")} />
      <Flex gap={8}>
        <Input
          readOnly
          value={props.value}
          data-testid={props.testId}
          style={{ fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" }}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={props.value} testId={props.copyTestId} />
      </Flex>
    </Flex>
  );
}
