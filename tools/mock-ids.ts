// The ids the mocks (tools/mocks.ts) give resources, without loading Pulumi: readers of plans
// (the diff's behaviour section, scenarios) map a composite's query back to monitor names with them.
import { createHash } from "node:crypto";
import { TYPE } from "../config/names";

/** A short, stable fake id so two runs give byte-identical plans. */
export function fakeId(seed: string, length = 7): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * The id a mocked resource gets. Datadog monitor ids are integers (a composite's query and a
 * downtime's monitor_id name monitors by them), so monitors get a stable number; the rest `<name>-id`.
 */
export function mockResourceId(name: string, type?: string): string {
  if (type === TYPE.monitor) return String(parseInt(fakeId(`monitor:${name}`, 8), 16) % 1_000_000_000);
  return `${name}-id`;
}
