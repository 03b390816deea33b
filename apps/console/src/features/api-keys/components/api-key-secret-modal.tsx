import type { CreatedApiKeyDto } from "@siyu/contracts";
import { Button, Descriptions, Modal } from "antd";
import { OneTimeSecret } from "../../../components/one-time-secret";
import { useT } from "../../../lib/i18n";

/** Shows a new key's secret once; closing it drops the secret from memory for good. */
export function ApiKeySecretModal(props: { created: CreatedApiKeyDto | null; onClose: () => void }) {
  const t = useT();
  const { created } = props;
  return (
    <Modal
      open={created !== null}
      title={t("apiKeys.secret.title")}
      onCancel={props.onClose}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={props.onClose} data-testid="api-key-secret-done">
          {t("apiKeys.secret.done")}
        </Button>
      }
    >
      {created ? (
        <>
          <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t("apiKeys.field.name")}>{created.apiKey.name}</Descriptions.Item>
            <Descriptions.Item label={t("apiKeys.field.scope")}>{t(`apiKeys.scope.${created.apiKey.scope}`)}</Descriptions.Item>
          </Descriptions>
          <OneTimeSecret value={created.secret} testId="api-key-secret" copyTestId="api-key-secret-copy" />
        </>
      ) : null}
    </Modal>
  );
}
