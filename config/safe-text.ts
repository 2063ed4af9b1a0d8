// Rules for the config text that ends up inside other systems' syntax: display names and
// stack-level URLs and ids land in Datadog monitor names and messages (Markdown with
// `@`-handles and `{{...}}` template syntax, forwarded to Slack and PagerDuty), PagerDuty
// schedule names, dashboard legends and the review comment of `npm run diff`. Such text is
// rejected at validation, with its path, rather than escaped where it is rendered: every
// consumer then gets plain text, including ones added later.
//
// Each function returns the problem as the message ConfigProblem carries, or undefined.

/** Longest display name: a label in monitor names, legends and PagerDuty schedule names, not a description. */
export const DISPLAY_NAME_MAX = 80;

/**
 * Control characters (C0, DEL, C1: NUL, TAB, CR, LF, ESC, NEL, ...), the Unicode line and
 * paragraph separators, and the bidirectional controls of CVE-2021-42574 ("Trojan Source"),
 * which make text display differently from what it is.
 */
const NOT_ONE_PRINTABLE_LINE = /[\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * What a display name may contain: letters (with their combining marks), digits, spaces and
 * ordinary punctuation. Everything else is refused, in particular:
 *   `@`       a notification handle in a Datadog message ("@slack-<channel>", "@pagerduty-<service>",
 *             "@<email>": docs.datadoghq.com/monitors/notify/#notifications);
 *   `{` `}`   template variables and state blocks ("{{value}}", "{{#is_alert}}"), evaluated in monitor
 *             messages and names (docs.datadoghq.com/monitors/notify/variables/);
 *   `<` `>`   Slack's mention syntax ("<!channel>", "<!here>", "<@U123>":
 *             api.slack.com/reference/surfaces/formatting#special-mentions) and HTML;
 *   `[` `]`   Markdown link text: names sit inside "[Cost: <name>](<dashboard>)" in every message.
 */
const DISPLAY_NAME_CHAR = /[\p{L}\p{M}\p{N} .,:;'"&+\-/()#%!?_’‘“”«»–—…·¿¡]/u;
const ALLOWED_PUNCTUATION = `. , : ; ' " & + - / ( ) # % ! ? _ or typographic quotes and dashes`;

const CONTROL_NAMES: Record<string, string> = {
  "\u0000": "NUL",
  "\t": "tab",
  "\n": "line feed",
  "\r": "carriage return",
  "\u001b": "escape",
  "\u0085": "next line",
  "\u2028": "line separator",
  "\u2029": "paragraph separator",
};

function describeCodePoint(ch: string): string {
  const hex = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  const name = CONTROL_NAMES[ch];
  return name ? `U+${hex} ${name}` : `U+${hex}`;
}

/** Found at `text`: `U+000D carriage return` for invisible characters, the character itself otherwise. */
function firstInvisible(text: string): string | undefined {
  const m = NOT_ONE_PRINTABLE_LINE.exec(text);
  return m ? describeCodePoint(m[0]) : undefined;
}

/** Single-line printable text, for names matched against another system (no markup rules). */
export function printableLineProblem(text: string): string | undefined {
  if (text.trim() === "") return "must not be empty";
  const invisible = firstInvisible(text);
  return invisible ? `must be a single line of printable text (found ${invisible})` : undefined;
}

/** A feature's or team's `name`: plain text that cannot become a handle, a template block or a new line. */
export function displayNameProblem(name: string): string | undefined {
  const line = printableLineProblem(name);
  if (line) return line;
  if ([...name].length > DISPLAY_NAME_MAX) return `must be at most ${DISPLAY_NAME_MAX} characters`;
  const refused = [...new Set([...name].filter((ch) => !DISPLAY_NAME_CHAR.test(ch)))];
  if (refused.length === 0) return undefined;
  return `may contain only letters, digits, spaces and ${ALLOWED_PUNCTUATION}; found ${refused.map((c) => JSON.stringify(c)).join(", ")}`;
}

/**
 * An http(s) base URL that other paths are appended to (`<runbookBaseUrl>/<kind>.md`) and that
 * is pasted into Markdown messages. Host and RFC 3986 path characters only (RFC 3986 §3.3
 * `pchar` without "@"), so it cannot carry credentials, a query or fragment that the appended
 * path would land in, whitespace, a handle, or anything that ends a Markdown link target ")"
 * or opens template syntax "{{".
 */
const BASE_URL = /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[A-Za-z0-9._~%!$&'*+,;=:/-]*)?$/;

export function baseUrlProblem(url: string): string | undefined {
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) return "must be an http(s) URL";
  if (!BASE_URL.test(url)) {
    return (
      "must be a plain http(s) base URL: host and path only (no credentials, query or fragment), RFC 3986 path characters, no " +
      'spaces or @ ( ) [ ] { } < > " `'
    );
  }
  return undefined;
}

/** One URL path segment (trace-tool project ids, organization names): unreserved characters or %XX escapes (RFC 3986 §2.3). */
const PATH_SEGMENT = /^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2}){1,128}$/;

export function pathSegmentProblem(segment: string): string | undefined {
  if (segment === "") return "must not be empty";
  return PATH_SEGMENT.test(segment)
    ? undefined
    : "must be one URL path segment of at most 128 characters: letters, digits, - . _ ~ or %XX escapes (e.g. My%20Project)";
}

/**
 * Sentry's own slug rules (getsentry/sentry src/sentry/slug/patterns.py):
 *   MIXED_SLUG_PATTERN = ^(?![0-9]+$)[a-z0-9_\-]+$           projects and teams (SentrySlugField)
 *   ORG_SLUG_PATTERN   = ^(?![0-9]+$)[a-zA-Z0-9][a-zA-Z0-9-]*(?<!-)$   organizations
 * Length: Sentry's slug fields default to 50 characters (src/sentry/db/models/fields/slug.py
 * DEFAULT_SLUG_MAX_LENGTH = 50) and it generates project slugs of at most 50 (Project.save).
 * The slugs end up in API paths (/api/0/projects/<org>/<project>/rules/), so "../../etc",
 * spaces or newlines would address something else, or nothing.
 */
export const SENTRY_SLUG = /^(?![0-9]+$)[a-z0-9_-]{1,50}$/;
export const SENTRY_ORG_SLUG = /^(?![0-9]+$)(?=.{1,50}$)[a-zA-Z0-9][a-zA-Z0-9-]*(?<!-)$/;
export const SENTRY_SLUG_MESSAGE = "must be a Sentry slug: lowercase letters, digits, '_' and '-', at most 50 characters, not only digits";
export const SENTRY_ORG_SLUG_MESSAGE =
  "must be a Sentry organization slug: letters, digits and '-', starting and ending with a letter or digit, at most 50 " +
  "characters, not only digits";
