/**
 * Text encodings of uploaded CSV files. Excel on a Chinese Windows saves "CSV"
 * in GB18030 (GBK), everything else in UTF-8: a file whose bytes are not valid
 * UTF-8 is read as GB18030, unless the caller names the encoding.
 */
import { TextDecoder } from "node:util";

export type CsvEncoding = "utf-8" | "gb18030";

const ALIASES: Record<string, CsvEncoding> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  gb18030: "gb18030",
  gbk: "gb18030",
  gb2312: "gb18030",
};

/** The encoding a charset name means, or null for one Siyu does not read. */
export function csvEncodingOf(name: string): CsvEncoding | null {
  return ALIASES[name.trim().toLowerCase()] ?? null;
}

/** UTF-8 when the sample is valid UTF-8 (a sequence cut at its end is allowed), else GB18030. */
export function detectCsvEncoding(sample: Uint8Array): CsvEncoding {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return "utf-8";
  } catch {
    return "gb18030";
  }
}

/** A whole body as text: a leading UTF-8 byte-order mark is dropped. */
export function decodeCsvBytes(bytes: Uint8Array, encoding: CsvEncoding | null = null): string {
  return new TextDecoder(encoding ?? detectCsvEncoding(bytes)).decode(bytes);
}

/** A byte stream as text chunks, the encoding detected from the first chunk unless given. */
export async function* decodeCsvStream(chunks: AsyncIterable<Uint8Array>, encoding: CsvEncoding | null = null): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  for await (const chunk of chunks) {
    decoder ??= new TextDecoder(encoding ?? detectCsvEncoding(chunk));
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder?.decode() ?? "";
  if (rest) yield rest;
}
