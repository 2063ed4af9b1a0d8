// Renders docs/provider-constraints.md from the table, so the page can never disagree with
// what synth enforces (test/provider-constraints.test.ts fails when the page is stale).
import { NO_DOCUMENTED_LIMIT, RESOURCE_CONSTRAINTS } from "./constraints";
import { ORG_CONSTRAINTS } from "./org";
import type { Source } from "./rules";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const link = (s: Source) => (s.url ? `[${cell(s.ref)}](${s.url})` : cell(s.ref));
const shortType = (type: string) => type.slice(type.lastIndexOf(":") + 1);

export function renderConstraintsPage(): string {
  const byType = new Map<string, typeof RESOURCE_CONSTRAINTS>();
  for (const c of RESOURCE_CONSTRAINTS) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
  const lines = [
    "# Provider constraints",
    "",
    "<!-- Generated from providers/constraints.ts and providers/org.ts by `npm run docs:constraints`; do not edit. -->",
    "",
    "What the pinned providers and the services' APIs reject (or silently ignore) in the inputs this package sets. " +
      "`npm run synth` checks every resource of the plan against this table before it writes anything and reports each " +
      "breach with the resource, the field and the source (exit 1, nothing written). `npm run check -- --org-plan` holds " +
      "another stack's queries and monitors to the org stack's shared resources.",
    "",
    "- **provider**: rejected at `pulumi preview`, before any API call. **api**: rejected, or silently turned into " +
      "something else, by the service on create or update.",
    "- Versions: `@pulumiverse/sentry` 0.0.9 = terraform-provider-sentry v0.11.2; `@pulumi/pagerduty` 3.4.0 = " +
      "terraform-provider-pagerduty v2.4.0; `@pulumi/datadog` 5.11.0 bridges a terraform-provider-datadog release after " +
      "v4.19.0, the newest one stored here: the files cited are read at v4.19.0 and did not change since v4.15.0 " +
      "(see the header of providers/constraints.ts).",
    `- ${RESOURCE_CONSTRAINTS.length} resource constraints on ${byType.size} resource types, ${ORG_CONSTRAINTS.length} org constraints.`,
    "",
  ];
  for (const [type, constraints] of byType) {
    lines.push(`## ${shortType(type)}`, "", `\`${type}\``, "", "| field | must be | who | source | id |", "|---|---|---|---|---|");
    for (const c of constraints) {
      const rule = c.note ? `${cell(c.rule)}. ${cell(c.note)}` : cell(c.rule);
      lines.push(`| \`${cell(c.field)}\` | ${rule} | ${c.enforcedBy} | ${link(c.source)} | \`${c.id}\` |`);
    }
    lines.push("");
  }
  lines.push(
    "## Across stacks: queries and monitors against the org's shared resources",
    "",
    "Checked by synth on the stack with `ownsOrgResources` (against its own resources) and by " +
      "`npm run check -- --plan out/<stack>/plan.json --org-plan out/<org stack>/plan.json` for any other stack.",
    "",
    "| must hold | why | source | id |",
    "|---|---|---|---|",
  );
  for (const c of ORG_CONSTRAINTS) lines.push(`| ${cell(c.rule)} | ${cell(c.note ?? "")} | ${link(c.source)} | \`${c.id}\` |`);
  lines.push("", "## Looked for, no documented limit", "", "Nothing is enforced for these; no number is made up.", "");
  for (const n of NO_DOCUMENTED_LIMIT) lines.push(`- ${n.field}: ${n.where}.`);
  lines.push("");
  return lines.join("\n");
}
