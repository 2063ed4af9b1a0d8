// synthesize() turns stack capture off while the program runs under mocks (the SDK records a
// stack per promise; tools/mocks.ts), and must hand the process back exactly as it found it.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { synthesize } from "../tools/mocks";

const LEAKS = "PULUMI_DEBUG_PROMISE_LEAKS";
const original = { limit: Error.stackTraceLimit, leaks: process.env[LEAKS] };

afterEach(() => {
  Error.stackTraceLimit = original.limit;
  if (original.leaks === undefined) delete process.env[LEAKS];
  else process.env[LEAKS] = original.leaks;
});

/** Runs a one-resource program and reports the stack trace limit it ran under. */
async function limitInsideProgram(opts: { throws?: boolean } = {}): Promise<number> {
  let seen = -1;
  const run = synthesize({
    stack: "test",
    config: {},
    program: () => {
      seen = Error.stackTraceLimit;
      new pulumi.ComponentResource("test:index:Thing", "thing");
      if (opts.throws) throw new Error("the program failed");
    },
  });
  if (opts.throws) await expect(run).rejects.toThrow("the program failed");
  else await run;
  return seen;
}

describe("synthesize", () => {
  it.each([
    ["captures no stack frames while the program runs", undefined, 0],
    ["keeps full stacks while the program runs when PULUMI_DEBUG_PROMISE_LEAKS asks for them", "1", 25],
  ])("%s.", async (_, leaks, expected) => {
    Error.stackTraceLimit = 25;
    if (leaks === undefined) delete process.env[LEAKS];
    else process.env[LEAKS] = leaks;
    expect(await limitInsideProgram()).toBe(expected);
    expect(Error.stackTraceLimit).toBe(25);
  });

  it("restores the stack trace limit when the program throws.", async () => {
    Error.stackTraceLimit = 25;
    delete process.env[LEAKS];
    expect(await limitInsideProgram({ throws: true })).toBe(0);
    expect(Error.stackTraceLimit).toBe(25);
  });
});
