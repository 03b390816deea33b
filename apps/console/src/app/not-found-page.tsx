import { Button, Result } from "antd";
import { useNavigate } from "react-router";
import { useT } from "../lib/i18n";

export function NotFoundPage() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t("common.notFound.title")}
      subTitle={t("common.notFound.subtitle")}
      extra={
        <Button type="primary" onClick={() => void navigate("/")}>
          {t("common.backHome")}
        </Button>
      }
    />
  );
}
