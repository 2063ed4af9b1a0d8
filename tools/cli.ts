// What every offline command shares: its arguments parsed one way (`--help` prints the usage
// and exits 0; an unknown or malformed option prints the problem and the usage and exits 2),
// and how it ends (its exit code, or a crash printed with its stack).
import { parseArgs, type ParseArgsConfig } from "node:util";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const consoleIo: Io = { out: (t) => console.log(t), err: (t) => console.error(t) };

/** A problem with the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CliSpec<O extends Options> {
  /** `synth`, `check`, ... as in `npm run <command>`. */
  command: string;
  /** The full usage text, first line `usage: ...`. */
  usage: string;
  options: O;
}

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>["values"];

/**
 * Parses `argv` against `spec`. Returns the values, or the exit code when the command must stop
 * here: 0 after printing the usage for `--help`/`-h`, 2 after printing the problem and the usage.
 * `validate` may throw a UsageError for values that parse but make no sense.
 */
export function parseCli<O extends Options, T>(
  spec: CliSpec<O>,
  argv: string[],
  io: Io,
  validate: (values: Parsed<O>) => T,
): { ok: true; value: T } | { ok: false; code: number } {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(spec.usage);
    return { ok: false, code: 0 };
  }
  try {
    const { values } = parseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: false });
    return { ok: true, value: validate(values as Parsed<O>) };
  } catch (e) {
    io.err(`${spec.command}: ${usageMessage(e)}\n${spec.usage}`);
    return { ok: false, code: 2 };
  }
}

/** Node's parseArgs messages, shortened to what a user needs. */
function usageMessage(e: unknown): string {
  const err = e as Error & { code?: string };
  const unknown = /^Unknown option '([^']+)'/.exec(err.message);
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) return `unknown option ${unknown[1]}`;
  const positional = /^Unexpected argument '([^']+)'/.exec(err.message);
  if (err.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && positional) return `unexpected argument ${positional[1]}`;
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return err.message.replace(/^Option '([^']+)'/, "option $1");
  if (e instanceof UsageError || err.code?.startsWith("ERR_PARSE_ARGS")) return err.message;
  throw e;
}

// How every offline command ends: its exit code, or a crash printed with its stack.
export function runCli(main: () => Promise<number>, crashCode = 1): void {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(crashCode);
    },
  );
}
