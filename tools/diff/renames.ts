// A feature id that disappears while another appears with the same display name, or the same
// owner and budget, is most likely a rename. The id is the feature's identity everywhere: the
// `feature:` tag the emitter sends (emit/emitter.ts rejects an id the catalog no longer lists),
// and every resource name derived from it (config/names.ts), so a renamed id starts from nothing.
// The diff says so out loud and how to keep the history: keep the id, change `name`.
import type { FeatureView } from "../../plan/features";
import type { Plan } from "../../plan/plan";

export interface FeatureRename {
  from: string;
  to: string;
  /** Why it looks like one. */
  match: { displayName: string } | { owner: string; budgetUsdPerDay: number };
  /** What goes with the old id: its monitors, SLOs (and their error-budget history) and Sentry rules (resource names). */
  monitors: string[];
  slos: string[];
  sentryRules: string[];
}

interface Identity {
  name?: string;
  owner?: string;
  budget?: number;
}

/**
 * What identifies a feature besides its id: the catalog's record in the plan (formatVersion 1),
 * or, for an older plan, its owner and budget read back from its monitors (no display name).
 */
function identities(plan: Plan, views: FeatureView[]): Map<string, Identity> {
  const recorded = new Map((plan.features ?? []).map((f) => [f.id, { name: f.name, owner: f.owner, budget: f.budgetUsdPerDay }]));
  return new Map(views.map((v) => [v.id, recorded.get(v.id) ?? { owner: v.team, budget: v.values.budget }]));
}

/**
 * Pairs each removed feature with an added one that looks like it: the same display name first,
 * else the same owner and daily budget. Each added feature pairs at most once.
 */
export function detectRenames(base: Plan, head: Plan, removed: FeatureView[], added: FeatureView[]): FeatureRename[] {
  if (!removed.length || !added.length) return [];
  const before = identities(base, removed);
  const after = identities(head, added);
  const taken = new Set<string>();
  const renames: FeatureRename[] = [];
  for (const old of [...removed].sort((a, b) => a.id.localeCompare(b.id))) {
    const was = before.get(old.id)!;
    const free = [...added].sort((a, b) => a.id.localeCompare(b.id)).filter((f) => !taken.has(f.id));
    const byName = free.find((f) => was.name !== undefined && after.get(f.id)!.name === was.name);
    const byOwnerAndBudget = free.find((f) => {
      const now = after.get(f.id)!;
      return was.owner !== undefined && was.budget !== undefined && now.owner === was.owner && now.budget === was.budget;
    });
    const to = byName ?? byOwnerAndBudget;
    if (!to) continue;
    taken.add(to.id);
    renames.push({
      from: old.id,
      to: to.id,
      match: byName ? { displayName: was.name! } : { owner: was.owner!, budgetUsdPerDay: was.budget! },
      monitors: old.monitors,
      slos: old.slos,
      sentryRules: old.sentryRules,
    });
  }
  return renames;
}
