// What "pinned" means for the judge model. A judge that silently changes moves the quality
// trend with it, so `quality.judgeModel` must name one fixed snapshot, never an alias that a
// provider re-points. Providers mark snapshots in the id itself:
//
//   Anthropic  dated ids before the 4.6 generation: claude-opus-4-1-20250805 (aliases: claude-opus-4-1,
//              claude-3-5-sonnet-latest); from 4.6 on the dateless id is the pinned snapshot: claude-opus-4-7.
//              Bedrock anthropic.claude-sonnet-4-5-20250929-v1:0, Vertex claude-haiku-4-5@20251001.
//              platform.claude.com/docs/en/about-claude/models/model-ids-and-versions
//   OpenAI     snapshots carry a date: gpt-4o-2024-08-06, gpt-4-0613 (MMDD); gpt-4o, chatgpt-4o-latest move.
//              platform.openai.com/docs/models ("Snapshots")
//   Google     stable versions carry a number: gemini-2.0-flash-001; gemini-2.0-flash and gemini-flash-latest
//              are auto-updated. ai.google.dev/gemini-api/docs/models ("Model version name patterns")
//   Mistral    mistral-large-2407 (YYMM); mistral-large-latest moves. docs.mistral.ai/getting-started/models
//   Cohere     command-r-08-2024. docs.cohere.com/docs/models
//   Bedrock    <provider>.<model>-v<N>[:<M>]: amazon.titan-text-express-v1, meta.llama3-70b-instruct-v1:0.
//              docs.aws.amazon.com/bedrock/latest/userguide/model-ids.html
//
// The rule, precisely. An id is pinned when all of these hold:
//   1. it is one token of at most 128 characters from [A-Za-z0-9._:@/-] (a trailing space or newline is a
//      different id to the provider, and would be a different `judge_model` value in the logs);
//   2. no segment (split on - _ . : @ /) is "latest", case-insensitively ("claude-latest-v2" included);
//   3. and one of:
//      a. a segment after the first is a date or version number: 8 digits (YYYYMMDD), 4 digits (MMDD, YYMM,
//         or the year of YYYY-MM-DD / MM-YYYY) or 3 digits (Gemini's 001);
//      b. it is a Bedrock id (<provider>.<model>) ending in -v<N> or -v<N>:<M>;
//      c. it is a dateless Claude id of the 4.6 generation or later: [anthropic.]claude-<name>-<major>[-<minor>]
//         with major.minor >= 4.6.
// Dateless names of earlier Claude models, OpenAI's and Google's family names, and anything else without a
// version are aliases. An id this rule misjudges is fixed here, in one place, with the provider's source.

const MODEL_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;
const BEDROCK_VERSIONED = /^[a-z0-9-]+\.[A-Za-z0-9._-]+-v\d+(?::\d+)?$/;
const CLAUDE_DATELESS = /^(?:anthropic\.)?claude-[a-z]+-(\d+)(?:-(\d+))?$/;

/** The first Claude generation whose dateless ids are pinned snapshots. */
const CLAUDE_DATELESS_PINNED_FROM = { major: 4, minor: 6 };

export const PINNED_MODEL_EXAMPLES = "claude-opus-4-1-20250805, claude-opus-4-7, gpt-4o-2024-08-06, gpt-4-0613 or gemini-2.0-flash-001";

function hasVersionSegment(segments: string[]): boolean {
  return segments.slice(1).some((s) => /^(\d{8}|\d{4}|\d{3})$/.test(s));
}

function isPinnedDatelessClaude(id: string): boolean {
  const m = CLAUDE_DATELESS.exec(id);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = m[2] === undefined ? 0 : Number(m[2]);
  const from = CLAUDE_DATELESS_PINNED_FROM;
  return major > from.major || (major === from.major && minor >= from.minor);
}

/** Why `id` is not a pinned model snapshot, or undefined when it is one. */
export function pinnedModelProblem(id: string): string | undefined {
  if (!MODEL_ID.test(id)) {
    return /[\s\p{Cc}]/u.test(id)
      ? "must be a model id without spaces or control characters"
      : "must be a model id: at most 128 letters, digits and . _ : @ / -";
  }
  const segments = id.split(/[-_.:@/]/);
  if (segments.some((s) => s.toLowerCase() === "latest")) {
    return (
      'is a floating alias: "latest" moves to newer models, and the quality trend with it; ' +
      `name a pinned snapshot such as ${PINNED_MODEL_EXAMPLES}`
    );
  }
  if (hasVersionSegment(segments) || BEDROCK_VERSIONED.test(id) || isPinnedDatelessClaude(id)) return undefined;
  return `must name a pinned snapshot, not an alias that can move to another model (e.g. ${PINNED_MODEL_EXAMPLES})`;
}
