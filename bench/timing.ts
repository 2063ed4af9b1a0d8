// Wall-clock timing of whole commands (child processes), reported as a median.
import { spawnSync } from "node:child_process";

export interface Timing {
  medianMs: number;
  runs: number[];
}

export function timeCommand(cmd: string, args: string[], opts: { cwd: string; runs?: number; env?: NodeJS.ProcessEnv }): Timing {
  const runs: number[] = [];
  for (let i = 0; i < (opts.runs ?? 3); i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: "utf8", env: { ...process.env, ...opts.env } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
    runs.push(ms);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)], runs };
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
