import { ImportReportDto, type ImportKind } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { importFileNameParam } from "../import-file-check";

export type ImportCsvInput = { kind: ImportKind; file: File };

/**
 * Sends the file itself as the body (`text/csv`, no charset: the server reads UTF-8 and falls
 * back to GB18030, which is what Excel saves in China). The answer is the import's report.
 */
export function importCsv(workspaceId: string, { kind, file }: ImportCsvInput): Promise<ImportReportDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/imports/${kind}`, ImportReportDto, {
    method: "POST",
    query: { fileName: importFileNameParam(file.name) },
    rawBody: { data: file, contentType: "text/csv" },
  });
}

export function useImportCsv(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ImportCsvInput) => importCsv(workspaceId, input),
    // New customers and orders arrive as the projector runs; the audit log has the import's entry.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ["workspaces", workspaceId, "customers"] }),
        queryClient.invalidateQueries({ queryKey: ["workspaces", workspaceId, "audit-log"] }),
      ]),
  });
}
