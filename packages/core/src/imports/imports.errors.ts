import { defineErrors } from "../shared/domain-error";

/** Whole-file problems; problems of single rows are listed in the report instead. */
export const importErrors = defineErrors({
  /** The header lacks a column the kind of file needs (named in the message and in details.path). */
  "imports.missing_column": 400,
  /** The header cannot be read: an empty file, or a column named twice. */
  "imports.bad_header": 400,
  /** The body is not CSV text (e.g. a multipart form). */
  "imports.unsupported_media_type": 415,
});
