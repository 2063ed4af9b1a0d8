// The committed snapshots must match what the builders generate today.
import { describe, expect, it } from "vitest";
import { readSnapshots, renderSnapshots, SNAPSHOT_STACKS } from "../tools/snapshots";

describe("committed snapshots", () => {
  it.each(SNAPSHOT_STACKS)("match the generated dashboards and monitors of %s (refresh with `npm run snapshots`).", async (stack) => {
    const generated = (await renderSnapshots(stack)).sort((a, b) => a.path.localeCompare(b.path));
    const committed = readSnapshots(stack);
    expect(
      committed.map((a) => a.path),
      "snapshot files",
    ).toEqual(generated.map((a) => a.path));
    for (const g of generated) {
      expect(committed.find((c) => c.path === g.path)?.content, `snapshots/${stack}/${g.path} is stale; run \`npm run snapshots\``).toBe(
        g.content,
      );
    }
  });
});
