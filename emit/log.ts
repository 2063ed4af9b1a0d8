// Problems with calls are logged, but a bad call site runs on every request: one line per
// reason per interval, with the number of repeats it stood for, keeps the log readable.

export interface EmitterLogger {
  warn(message: string, fields: Record<string, unknown>): void;
}

export const consoleLogger: EmitterLogger = {
  warn: (message, fields) => console.warn(`llm-observability/emit: ${message}`, fields),
};

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
    try {
      this.logger.warn(`${message}${tail}`, { reason, ...fields, ...(suppressed ? { suppressed } : {}) });
    } catch {
      // A broken logger must not turn a dropped metric into a failed request.
    }
  }
}
