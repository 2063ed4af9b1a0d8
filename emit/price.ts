// Cost at call time from a model price table. Providers bill per million tokens, with
// cache reads at a discount; the table is the application's (prices change, contracts differ).

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cache reads. Defaults to `input` (no discount) so a missing entry never under-reports spend. */
  cachedInput?: number;
}

/** Model id (as the provider returns it, or its normalized tag value) -> price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export interface TokenCounts {
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cachedTokens: number;
}

/**
 * USD for one call, rounded to a nano-dollar so float noise never reaches the wire.
 * Token counts do not overlap: `inputTokens` excludes `cachedTokens`.
 */
export function costUsd(price: ModelPrice, tokens: TokenCounts): number {
  const micro =
    tokens.inputTokens * price.input + tokens.outputTokens * price.output + tokens.cachedTokens * (price.cachedInput ?? price.input);
  return roundUsd(micro / 1_000_000);
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/** Problems in a price table, one line each with its path, for a fail-fast `createEmitter`. */
export function priceTableProblems(table: unknown): string[] {
  if (table === undefined) return [];
  if (table === null || typeof table !== "object" || Array.isArray(table))
    return ["prices: must be an object of model id -> { input, output, cachedInput? }"];
  const problems: string[] = [];
  for (const [model, price] of Object.entries(table)) {
    const at = `prices[${JSON.stringify(model)}]`;
    if (price === null || typeof price !== "object") {
      problems.push(`${at}: must be { input, output, cachedInput? } in USD per million tokens`);
      continue;
    }
    for (const field of ["input", "output", "cachedInput"] as const) {
      const v = (price as Record<string, unknown>)[field];
      if (v === undefined && field === "cachedInput") continue;
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        problems.push(`${at}.${field}: must be a number >= 0 (USD per million tokens) (got ${JSON.stringify(v) ?? "nothing"})`);
      }
    }
  }
  return problems;
}

/** Case-insensitive lookup that tries the provider's id first, then the normalized tag value. */
export class PriceBook {
  private readonly byModel: ReadonlyMap<string, ModelPrice>;

  constructor(table: PriceTable = {}) {
    this.byModel = new Map(Object.entries(table).map(([m, p]) => [m.toLowerCase(), p]));
  }

  get models(): string[] {
    return [...this.byModel.keys()];
  }

  find(...ids: (string | undefined)[]): ModelPrice | undefined {
    for (const id of ids) {
      const p = id === undefined ? undefined : this.byModel.get(id.toLowerCase());
      if (p) return p;
    }
    return undefined;
  }
}
