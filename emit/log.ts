// Problems with calls are logged, but a bad call site runs on every request: one line per
// reason per interval, with the number of repeats it stood for, keeps the log readable.
// Calls carry caller-controlled strings (a 10 kB feature name, a request body passed as a
// tenant), so every string that reaches the logger is clipped here, whatever built it.

export interface EmitterLogger {
  warn(message: string, fields: Record<string, unknown>): void;
}

export const consoleLogger: EmitterLogger = {
  warn: (message, fields) => console.warn(`llm-observability/emit: ${message}`, fields),
};

/** Longest log message, and longest string field, the logger ever receives. */
export const MAX_LOG_MESSAGE_CHARS = 400;
export const MAX_LOG_FIELD_CHARS = 200;
/** Longest caller value quoted inside a message. */
const MAX_QUOTED_CHARS = 40;

/**
 * At most `max` characters of `value`, saying how long it was when cut. Never splits a
 * surrogate pair (a lone surrogate would make the log line invalid UTF-8 downstream).
 */
export function clip(value: string, max = MAX_QUOTED_CHARS): string {
  if (value.length <= max) return value;
  const tail = `… (${value.length} chars)`;
  let end = Math.max(0, max - tail.length);
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return value.slice(0, end) + tail;
}

/** A caller-supplied value as it appears in a message: quoted and clipped if a string, its type otherwise. */
export function quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(clip(value));
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  return `a${/^[aeiou]/.test(typeof value) ? "n" : ""} ${typeof value}`;
}

interface Window {
  lastAt: number;
  suppressed: number;
}

export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: EmitterLogger,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Logs at most once per `reason` per interval; the next line carries the count it replaced. */
  warn(reason: string, message: string, fields: Record<string, unknown> = {}): void {
    const t = this.now();
    const w = this.windows.get(reason);
    if (w && t - w.lastAt < this.intervalMs) {
      w.suppressed++;
      return;
    }
    const suppressed = w?.suppressed ?? 0;
    this.windows.set(reason, { lastAt: t, suppressed: 0 });
    const tail = suppressed ? ` (${suppressed} more like this since the last report)` : "";
    const clipped: Record<string, unknown> = { reason };
    for (const [k, v] of Object.entries(fields)) clipped[k] = typeof v === "string" ? clip(v, MAX_LOG_FIELD_CHARS) : v;
    if (suppressed) clipped.suppressed = suppressed;
    try {
      this.logger.warn(clip(message, MAX_LOG_MESSAGE_CHARS - tail.length) + tail, clipped);
    } catch {
      // A broken logger must not turn a dropped metric into a failed request.
    }
  }
}
