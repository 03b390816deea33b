import { chromium, type Browser } from "playwright-core";

/**
 * Debian's Chromium (or the binary `SIYU_CHROMIUM` names): playwright-core drives it and never
 * downloads a browser of its own.
 */
// eslint-disable-next-line no-restricted-properties -- the browser tests' one setting, read where the browser starts
export const CHROMIUM_EXECUTABLE = process.env.SIYU_CHROMIUM ?? "/usr/bin/chromium";

/** Headless, sandbox-free (containers), and quiet: no updates, sync or background traffic to wait on. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
] as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_FLAGS] });
}
