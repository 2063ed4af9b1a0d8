// Tag-value guards. Every distinct tag value is a billed Datadog series, so a value only
// reaches the wire when it belongs to a bounded set; anything else is replaced by the bucket
// value (BUCKET, `_other`) or the call is rejected. Guards never throw.
import { BUCKET_VALUE } from "../config/contract";
import { clip } from "./log";

/**
 * The value a tag gets when its real value is not allowed on a metric. No real value can
 * take it: every value the guards pass is tag-safe, and a tag-safe value starts with a
 * letter or digit (see BUCKET_VALUE in config/contract.ts).
 */
export const BUCKET = BUCKET_VALUE;

/**
 * Values Datadog stores as sent, so two distinct values never become one series: lowercase
 * letters, digits and `_ . : / -`, starting with a letter or digit, without the `__` and the
 * trailing `_` or `:` that Datadog collapses or strips ("Contiguous underscores are reduced to
 * a single underscore", "A trailing underscore is removed", "other characters are converted to
 * underscores": docs.datadoghq.com/developers/guide/what-best-practices-are-recommended-for-naming-metrics-and-tags/).
 */
const TAG_SAFE = /^[a-z0-9](?:[a-z0-9.:/-]|_(?!_))*$/;
/** Datadog truncates tags at 200 characters; ids longer than this are not names a human picked. */
const MAX_VALUE_LENGTH = 64;
/**
 * Longer raw values are decided without being trimmed, lowercased or matched (they can never
 * pass) and are never remembered, so a caller passing request bodies as tenants costs neither
 * CPU per character nor cache memory.
 */
const MAX_RAW_LENGTH = 256;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX_RUN = /[0-9a-f]{16,}/gi;
const ALNUM_RUN = /[A-Za-z0-9]{10,}/g;

export type UnboundedKind = "email" | "uuid" | "number" | "hex" | "random-id" | "too-long";

/**
 * Why a value looks like it comes from an unbounded source (a user, a request, a database
 * row) rather than a small named set, or undefined when it looks like a name. Datadog's own
 * advice: tags should not originate from unbounded sources such as user or request ids.
 */
export function looksUnbounded(value: string): UnboundedKind | undefined {
  if (value.length > MAX_VALUE_LENGTH) return "too-long";
  if (value.includes("@")) return "email";
  if (UUID.test(value)) return "uuid";
  if (/^\d+$/.test(value)) return "number";
  for (const run of value.match(HEX_RUN) ?? []) if (/\d/.test(run)) return "hex";
  for (const run of value.match(ALNUM_RUN) ?? []) {
    const digits = run.replace(/\D/g, "").length;
    const letters = run.length - digits;
    // ULIDs, base62 keys (`cus_NffrFeUfNV2Hib`) and similar: long runs mixing digits and letters.
    if (run.length >= 16 && digits >= 3 && letters >= 3) return "random-id";
    if (digits >= 1 && /[a-z]/.test(run) && /[A-Z]/.test(run)) return "random-id";
  }
  return undefined;
}

export function isTagSafe(value: string): boolean {
  return value.length <= MAX_VALUE_LENGTH && TAG_SAFE.test(value) && !value.endsWith("_") && !value.endsWith(":");
}

/** A guarded tag value: `value` is what goes on the wire; `reason` says why it was bucketed. */
export interface Guarded {
  value: string;
  reason?: string;
  detail?: string;
}

export interface TenantPolicy {
  /** Tenants always accepted as they are (compared lowercased), e.g. your paying customers' slugs. */
  allow?: readonly string[];
  /** Tenants matching this are accepted even when they look like ids, e.g. /^t-[0-9]{4}$/. */
  pattern?: RegExp;
  /**
   * At most this many distinct tenants (outside `allow`) reach Datadog from one process;
   * later newcomers are sent as `other`. Set it to the stack's `scale.tenants` so the
   * cardinality report stays an upper bound. Default 1000.
   */
  maxDistinct?: number;
}

/**
 * Each guard remembers its decisions per raw value, so a steady tenant or model set costs a
 * map lookup per call. The memory is bounded in bytes, not entries: 1 MiB per guard, by an
 * estimate that errs high (two bytes per character, as for non-Latin-1 strings, plus a fixed
 * allowance per entry for the map slot, the decision object and string headers). When full,
 * the oldest decisions go first. Raw values longer than MAX_RAW_LENGTH are never remembered.
 */
export const DECISION_CACHE_BYTES = 1024 * 1024;
const ENTRY_OVERHEAD_BYTES = 200;

type Decision = Guarded & { raw?: string };

export class DecisionCache<T extends Decision> {
  private readonly entries = new Map<string, T>();
  private bytes = 0;

  constructor(private readonly budgetBytes = DECISION_CACHE_BYTES) {}

  get size(): number {
    return this.entries.size;
  }

  /** The estimate the budget is enforced on. */
  get estimatedBytes(): number {
    return this.bytes;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** Remembers `decision` (as an own copy) and returns what to use. */
  remember(key: string, decision: T): T {
    if (key.length > MAX_RAW_LENGTH) return decision;
    const stored = ownCopy(decision);
    const size = entryBytes(key, stored);
    if (size > this.budgetBytes) return decision;
    while (this.bytes + size > this.budgetBytes) {
      const [oldKey, old] = this.entries.entries().next().value as [string, T];
      this.entries.delete(oldKey);
      this.bytes -= entryBytes(oldKey, old);
    }
    this.entries.set(own(key), stored);
    this.bytes += size;
    return stored;
  }
}

function entryBytes(key: string, d: Decision): number {
  const chars = key.length + d.value.length + (d.detail?.length ?? 0) + (d.raw?.length ?? 0);
  return ENTRY_OVERHEAD_BYTES + 2 * chars;
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. V8 represents a
 * substring of 13+ characters as a slice that keeps its whole parent alive, so a tenant cut
 * from a request body would otherwise keep that body in the cache (measured: 500 keys of 30
 * characters sliced from 200 kB strings kept 100 MB). JSON round-trips every string exactly.
 */
function own(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function ownCopy<T extends Decision>(d: T): T {
  const copy = { ...d, value: own(d.value) };
  if (d.detail !== undefined) copy.detail = own(d.detail);
  if (d.raw !== undefined) copy.raw = own(d.raw);
  return copy;
}

/**
 * Decides the `tenant` tag value. A tenant in `allow` or matching `pattern` passes; a value
 * that looks unbounded (UUID, long hex, email, number) never passes otherwise; when an allow
 * list or pattern is configured the set is closed and anything else is bucketed.
 */
export class TenantGuard {
  private readonly decisions = new DecisionCache<Guarded>();
  private readonly allow: ReadonlySet<string>;
  private readonly pattern?: RegExp;
  private readonly closed: boolean;
  private readonly maxDistinct: number;
  private readonly seen = new Set<string>();

  constructor(policy: TenantPolicy = {}) {
    this.allow = new Set((policy.allow ?? []).map((t) => t.toLowerCase()));
    this.pattern = policy.pattern;
    this.closed = this.allow.size > 0 || policy.pattern !== undefined;
    this.maxDistinct = policy.maxDistinct ?? 1000;
  }

  check(raw: unknown): Guarded {
    if (typeof raw !== "string" || raw.trim() === "") return { value: BUCKET, reason: "tenant_invalid", detail: "missing or not a string" };
    // Overflow depends on what came before, so only settled decisions are remembered.
    const known = this.decisions.get(raw);
    if (known) return known;
    const decision = this.decide(raw);
    return decision.reason === "tenant_overflow" ? decision : this.decisions.remember(raw, decision);
  }

  private decide(raw: string): Guarded {
    if (raw.length > MAX_RAW_LENGTH) return { value: BUCKET, reason: "tenant_unbounded", detail: `too-long ${mask(raw)}` };
    const tenant = raw.trim();
    const lower = tenant.toLowerCase();
    if (this.allow.has(lower)) return { value: lower };
    const matchesPattern = this.pattern !== undefined && testPattern(this.pattern, tenant);
    if (!matchesPattern) {
      const kind = looksUnbounded(tenant);
      if (kind) return { value: BUCKET, reason: "tenant_unbounded", detail: `${kind} ${mask(tenant)}` };
      if (this.closed) return { value: BUCKET, reason: "tenant_not_allowed", detail: mask(tenant) };
    }
    if (!isTagSafe(lower)) return { value: BUCKET, reason: "tenant_invalid", detail: `not a Datadog-safe tag value: ${mask(tenant)}` };
    if (!this.seen.has(lower)) {
      if (this.seen.size >= this.maxDistinct) {
        return { value: BUCKET, reason: "tenant_overflow", detail: `more than ${this.maxDistinct} distinct tenants` };
      }
      this.seen.add(own(lower));
    }
    return { value: lower };
  }
}

/** A `g` or `y` flag would make RegExp.test stateful between calls. */
function testPattern(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(value);
}

/** A closed set (providers of a feature, its indexes, flag variants): members pass, the rest is bucketed. */
export function closedSet(value: unknown, allowed: ReadonlySet<string>, reason: string): Guarded {
  if (typeof value !== "string") return { value: BUCKET, reason, detail: "not a string" };
  const lower = value.trim().toLowerCase();
  return allowed.has(lower) ? { value: lower } : { value: BUCKET, reason, detail: JSON.stringify(clip(value)) };
}

export interface ModelPolicy {
  /** Model tag values allowed (after `normalize`). Default: the keys of the price table, if any. */
  allow?: readonly string[];
  /**
   * Maps the provider's model id to the tag value, e.g. `normalizeModelId` drops the date
   * suffix so `claude-sonnet-4-5-20250929` is tagged `claude-sonnet-4-5`.
   */
  normalize?: (model: string) => string;
  /** With no allow list and no price table: at most this many distinct models. Default 20. */
  maxDistinct?: number;
}

export class ModelGuard {
  private readonly decisions = new DecisionCache<Decision>();
  private readonly allow?: ReadonlySet<string>;
  private readonly normalize: (model: string) => string;
  private readonly maxDistinct: number;
  private readonly seen = new Set<string>();

  constructor(policy: ModelPolicy, pricedModels: readonly string[]) {
    this.normalize = policy.normalize ?? ((m) => m);
    // Price keys may be dated provider ids; the tag values they allow are their normalized forms.
    const allow = policy.allow ?? (pricedModels.length ? pricedModels.map((m) => this.normalize(m.toLowerCase())) : undefined);
    this.allow = allow ? new Set(allow.map((m) => m.toLowerCase())) : undefined;
    this.maxDistinct = policy.maxDistinct ?? 20;
  }

  /** `raw` is the lowercased provider id; `value` the tag value. */
  check(model: unknown): Decision {
    if (typeof model !== "string" || model.trim() === "")
      return { value: BUCKET, reason: "model_invalid", detail: "missing or not a string" };
    const known = this.decisions.get(model);
    if (known) return known;
    const decision = this.decide(model);
    return decision.reason === "model_overflow" ? decision : this.decisions.remember(model, decision);
  }

  private decide(model: string): Decision {
    if (model.length > MAX_RAW_LENGTH) return { value: BUCKET, reason: "model_invalid", detail: `too long: ${mask(model)}` };
    const raw = model.trim().toLowerCase();
    let value: string;
    try {
      value = String(this.normalize(raw)).toLowerCase();
    } catch (e) {
      return { value: BUCKET, raw, reason: "model_invalid", detail: `normalize threw: ${clip(String((e as Error)?.message ?? e))}` };
    }
    if (this.allow) {
      if (this.allow.has(value)) return { value, raw };
      return { value: BUCKET, raw, reason: "unknown_model", detail: JSON.stringify(clip(model)) };
    }
    if (looksUnbounded(value) || !isTagSafe(value))
      return { value: BUCKET, raw, reason: "model_invalid", detail: JSON.stringify(clip(model)) };
    if (!this.seen.has(value)) {
      if (this.seen.size >= this.maxDistinct)
        return { value: BUCKET, raw, reason: "model_overflow", detail: `more than ${this.maxDistinct} distinct models` };
      this.seen.add(own(value));
    }
    return { value, raw };
  }
}

/**
 * Drops a trailing release date so dated snapshots share one tag value:
 * `claude-sonnet-4-5-20250929` -> `claude-sonnet-4-5`, `gpt-4o-2024-08-06` -> `gpt-4o`,
 * `claude-3-5-haiku@20241022` (Vertex) -> `claude-3-5-haiku`.
 */
export function normalizeModelId(model: string): string {
  return model.replace(/[-@](\d{8}|\d{4}-\d{2}-\d{2})$/, "");
}

/** Enough of a value to recognise it in a log line without writing a whole email or id into logs. */
export function mask(value: string): string {
  if (value.length <= 6) return JSON.stringify(value);
  return `"${value.slice(0, 4)}…" (${value.length} chars)`;
}
