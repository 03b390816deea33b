import { Button, Result } from "antd";
import { describeApiError } from "../lib/api";
import { useT } from "../lib/i18n";

export function QueryErrorResult(props: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  return (
    <Result
      status="error"
      title={t("common.loadFailed")}
      subTitle={describeApiError(props.error, t)}
      extra={
        props.onRetry ? (
          <Button type="primary" onClick={props.onRetry}>
            {t("common.retry")}
          </Button>
        ) : null
      }
    />
  );
}
