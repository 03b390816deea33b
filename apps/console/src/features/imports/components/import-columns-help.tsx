import { DownloadOutlined } from "@ant-design/icons";
import type { ImportKind } from "@siyu/contracts";
import { Button, Flex, Space, Tag, Typography } from "antd";
import { downloadTextFile } from "../../../lib/download";
import { useT } from "../../../lib/i18n";
import { importColumnGroups, importTemplateCsv, importTemplateFileName } from "../import-columns";

/** The columns a file of this kind may have, how they are read, and a template to start from. */
export function ImportColumnsHelp(props: { kind: ImportKind }) {
  const t = useT();
  return (
    <div data-testid="import-columns">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t("imports.columns.title")}</Typography.Text>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => downloadTextFile(importTemplateFileName(props.kind), importTemplateCsv(props.kind))}
          data-testid="import-template"
        >
          {t("imports.template")}
        </Button>
      </Flex>
      <Space direction="vertical" size={6} style={{ width: "100%" }}>
        {importColumnGroups(props.kind).map((group) => (
          <div key={group.role}>
            <Typography.Text type="secondary" style={{ marginRight: 8 }}>
              {t(`imports.columns.${group.role}`)}:
            </Typography.Text>
            {group.columns.map((column) => (
              <Tag key={column} style={{ fontFamily: "monospace", marginBottom: 4 }}>
                {column}
              </Tag>
            ))}
          </div>
        ))}
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t(`imports.columns.hint.${props.kind}`)} {t("imports.columns.encoding")}
        </Typography.Paragraph>
      </Space>
    </div>
  );
}
