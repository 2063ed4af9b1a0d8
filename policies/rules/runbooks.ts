// The runbook rule: every monitor's message links the runbook of its own kind, as a file under
// the stack's runbook base URL, in a link whose visible text is where it goes. On-call reads the
// message in Slack and PagerDuty at 3 a.m.; a link to the folder, to another kind's runbook or
// behind misleading text sends them to the wrong instructions.
import * as fs from "node:fs";
import * as path from "node:path";
import * as datadog from "@pulumi/datadog";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { kindSpec, MONITOR_KINDS } from "../../monitors/kinds";
import { runningFromRepo, RUNBOOKS_DIR } from "../context";
import { stackSetting } from "../settings";
import { parseMessage, renderMessage } from "../../config/names";
import { ALERT, asString, asStringArray, messageLinks, MONITOR_KIND_TAG, parsePriority, tagValues } from "./common";

const NAME = "monitor-has-runbook";

/** Where a link under the base URL leads: a file of runbooks/, the folder itself, or outside it. */
type Target = { file: string } | { directory: true } | { outside: true };

/** `<base>/cost-budget.md#checks` -> `cost-budget.md`; `<base>/` -> the folder; `<base>/../x` -> outside. */
function targetOf(base: string, link: string): Target {
  let rel = link === base ? "" : link.slice(base.length + 1).replace(/[?#].*$/, "");
  try {
    rel = decodeURIComponent(rel);
  } catch {
    return { outside: true };
  }
  if (rel === "" || rel.endsWith("/")) return { directory: true };
  const normalized = path.posix.normalize(rel);
  if (normalized === "." || normalized.startsWith("..") || path.posix.isAbsolute(normalized) || normalized.includes("\\"))
    return { outside: true };
  return { file: normalized };
}

const isFile = (target: Target, file: string) => "file" in target && target.file === file;

export const monitorHasRunbook: ResourceValidationPolicy = {
  name: NAME,
  description:
    "Every Datadog monitor's message links the runbook of its own kind (the runbook its monitor:<kind> has in monitors/kinds.ts), a " +
    "file under the stack's runbook base URL, never the runbooks/ folder, and every Markdown link that shows a runbook URL goes " +
    "exactly there; run from the repo, each linked runbook exists in runbooks/.",
  remediationSteps:
    "Put the runbook link in the monitor message (`runbookUrl(stack, spec.runbook)`, config/links.ts, with the kind's entry in " +
    "monitors/kinds.ts) so it reaches Slack and PagerDuty, as a bare URL or as [text](url) whose text is not a different URL, and " +
    "write runbooks/<kind>.md with the sections Symptom, Dashboards, Checks, Mitigation, Escalation, Follow-up.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      runbookBaseUrl: {
        type: "string",
        description: "Where runbooks/ is browsable. Default: runbookBaseUrl in the stack's Pulumi.<stack>.yaml.",
      },
    },
  },
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const configured = stackSetting(args, args.urn, "runbookBaseUrl", NAME, report);
    if (configured === undefined) return;
    const base = configured.replace(/\/+$/, "");
    const under = (url: string) => url === base || url.startsWith(`${base}/`);
    const message = asString(monitor.message) ?? "";
    const kinds = [...new Set(tagValues(asStringArray(monitor.tags), MONITOR_KIND_TAG))];
    // The kind's own runbook, from the monitor-kind registry (monitors/kinds.ts).
    const own = kinds.length === 1 ? kindSpec(MONITOR_KINDS, kinds[0])?.runbook : undefined;
    const { markdown, urls } = messageLinks(message);

    // A link that shows one runbook URL and goes to another place: the reader trusts the text.
    for (const link of markdown) {
      if (/^https?:\/\/\S+$/.test(link.text) && under(link.text) && link.text !== link.target) {
        report(
          `monitor "${args.name}" shows the link ${link.text} but its Markdown target is ${link.target}, so whoever trusts the text ` +
            `opens something else. Make the target equal to the text: [${link.text}](${link.text}), or write the URL bare.`,
        );
      }
    }

    const candidates = [...new Set(urls.filter(under))];
    if (candidates.length === 0) {
      report(
        `monitor "${args.name}" has no runbook link under ${base}/ in its message, so on-call gets no instructions at 3 a.m. Add ` +
          `"Runbook: ${base}/${own ?? "<kind>.md"}" to the message${own ? ` and write runbooks/${own}` : ""}.`,
      );
      return;
    }
    const targets = candidates.map((link) => ({ link, target: targetOf(base, link) }));
    for (const { link, target } of targets) {
      if ("directory" in target) {
        report(
          `monitor "${args.name}" links ${link}, the runbooks/ directory itself, not a runbook, so on-call must guess which page ` +
            `applies. Link ${base}/${own ?? "<kind>.md"}.`,
        );
      } else if ("outside" in target) {
        report(`monitor "${args.name}" links runbook ${link}, which points outside runbooks/. Link a file directly under ${base}/.`);
      } else if (runningFromRepo() && !fs.existsSync(path.join(RUNBOOKS_DIR, target.file))) {
        report(
          `monitor "${args.name}" links runbook ${link}, but runbooks/${target.file} does not exist in this repository. Write ` +
            `runbooks/${target.file} (Symptom, Dashboards, Checks, Mitigation, Escalation, Follow-up) or fix the link.`,
        );
      }
    }
    if (kinds.length !== 1 || !own) {
      const which =
        kinds.length === 1
          ? `a ${MONITOR_KIND_TAG}:${kinds[0]} tag, which names no kind of the registry (monitors/kinds.ts)`
          : `${kinds.length === 0 ? "no" : `${kinds.length}`} ${MONITOR_KIND_TAG}: tag${kinds.length > 1 ? `s (${kinds.join(", ")})` : ""}`;
      report(
        `monitor "${args.name}" has ${which}, so which runbook is its own cannot be known. Tag it with exactly one ` +
          `"${MONITOR_KIND_TAG}:<kind>" of the registry (monitorTags in monitors/frame.ts).`,
      );
    } else if (own && !targets.some(({ target }) => isFile(target, own))) {
      report(
        `monitor "${args.name}" is a ${kinds[0]} monitor but does not link its own runbook ${base}/${own} (it links ` +
          `${candidates.join(", ")}), so on-call opens the wrong instructions. Link ${base}/${own}.`,
      );
    } else if (own) {
      // The page is what on-call reads at 3 a.m.: the runbook must be in the alert notification itself,
      // not only in a block another state shows (rendered the way Datadog sends it; undecidable blocks hidden).
      const parsed = parseMessage(message);
      const alertText = renderMessage(parsed, { ...ALERT, priority: parsePriority(monitor.priority) }, { unknown: false });
      const inAlert = messageLinks(alertText).urls.some((l) => under(l) && isFile(targetOf(base, l), own));
      if (!inAlert) {
        report(
          `monitor "${args.name}" links its runbook ${base}/${own} only in notifications other than the alert, so the page itself ` +
            `carries no instructions. Put the runbook link outside every {{#...}} block.`,
        );
      }
    }
  }),
};

export const runbookRules = [monitorHasRunbook];
