import { Button, Result } from "antd";
import { useRouteError } from "react-router";
import { describeApiError } from "../lib/api";
import { useT } from "../lib/i18n";

/** Replaces react-router's developer error screen with something an operator can act on. */
export function RouteError() {
  const t = useT();
  const error = useRouteError();
  return (
    <Result
      status="error"
      title={t("common.error.unknown")}
      subTitle={describeApiError(error, t)}
      extra={
        <Button type="primary" onClick={() => window.location.assign("/")}>
          {t("common.backHome")}
        </Button>
      }
    />
  );
}
