// The rotation anchor: the handoff's local day and time in the team's zone, turned into
// the fixed instant PagerDuty rotates from, across DST changes and odd offsets.
import { describe, expect, it } from "vitest";
import { type Handoff, instantOf, isoInZone, offsetMinutes, rotationAnchor, weekdayOf } from "../config/time";

const handoff = (day: Handoff["day"], time: string, timeZone: string): Handoff => ({ day, time, timeZone });

function anchorOf(rotationStart: string, h: Handoff): string {
  const r = rotationAnchor(rotationStart, h);
  if (!r.ok) throw new Error(r.message);
  return isoInZone(r.instant, h.timeZone);
}

describe("a date-only rotation start", () => {
  it.each([
    [
      "2026-01-05",
      handoff("monday", "09:00", "Europe/Berlin"),
      "2026-01-05T09:00:00+01:00",
      "the date itself when it is the handoff day (winter)",
    ],
    ["2026-01-01", handoff("monday", "09:00", "Europe/Berlin"), "2026-01-05T09:00:00+01:00", "the next handoff day after a Thursday"],
    [
      "2026-03-30",
      handoff("monday", "09:00", "Europe/Berlin"),
      "2026-03-30T09:00:00+02:00",
      "the summer offset the day after Berlin springs forward",
    ],
    [
      "2026-10-26",
      handoff("monday", "09:00", "Europe/Berlin"),
      "2026-10-26T09:00:00+01:00",
      "the winter offset the day after Berlin falls back",
    ],
    [
      "2026-03-09",
      handoff("monday", "10:00", "America/New_York"),
      "2026-03-09T10:00:00-04:00",
      "daylight time the day after New York springs forward",
    ],
    ["2026-03-02", handoff("monday", "10:00", "America/New_York"), "2026-03-02T10:00:00-05:00", "standard time the week before"],
    ["2026-01-01", handoff("friday", "17:30", "Asia/Kolkata"), "2026-01-02T17:30:00+05:30", "a half-hour offset"],
    ["2026-01-01", handoff("friday", "17:30", "Asia/Kathmandu"), "2026-01-02T17:30:00+05:45", "a quarter-hour offset"],
    ["2026-01-01", handoff("friday", "17:30", "Australia/Lord_Howe"), "2026-01-02T17:30:00+11:00", "a zone with a half-hour DST shift"],
    ["2026-01-01", handoff("thursday", "00:00", "Pacific/Kiritimati"), "2026-01-01T00:00:00+14:00", "midnight at UTC+14"],
    [
      "2026-03-29",
      handoff("sunday", "02:30", "Europe/Berlin"),
      "2026-04-05T02:30:00+02:00",
      "the next week when the handoff falls in the skipped hour",
    ],
    [
      "2026-10-25",
      handoff("sunday", "02:30", "Europe/Berlin"),
      "2026-10-25T02:30:00+02:00",
      "the first of the two readings in the repeated hour",
    ],
    ["2026-01-01", handoff("monday", "09:00", "UTC"), "2026-01-05T09:00:00+00:00", "UTC written as +00:00"],
  ])("%s with %o anchors at %s: %s", (start, h, expected) => {
    expect(anchorOf(start, h)).toBe(expected);
  });
});

describe("a date-time rotation start", () => {
  it.each([
    ["2026-01-05T09:00:00+01:00", handoff("monday", "09:00", "Europe/Berlin")],
    ["2026-01-05T08:00:00Z", handoff("monday", "09:00", "Europe/Berlin")],
    ["2026-07-06T09:00:00+02:00", handoff("monday", "09:00", "Europe/Berlin")],
    ["2026-01-06T10:00:00-05:00", handoff("tuesday", "10:00", "America/New_York")],
    ["2026-01-06T15:00:00Z", handoff("tuesday", "10:00", "America/New_York")],
  ])("%s is accepted as the handoff it is, written in the zone's own offset", (start, h) => {
    expect(Date.parse(anchorOf(start, h))).toBe(Date.parse(start));
  });

  it.each([
    [
      "2026-07-06T09:00:00+01:00",
      handoff("monday", "09:00", "Europe/Berlin"),
      "is monday 10:00 in Europe/Berlin",
      "2026-07-06T09:00:00+02:00",
    ],
    [
      "2026-03-09T10:00:00-05:00",
      handoff("monday", "10:00", "America/New_York"),
      "is monday 11:00 in America/New_York",
      "2026-03-09T10:00:00-04:00",
    ],
    [
      "2026-01-06T09:00:00+01:00",
      handoff("monday", "09:00", "Europe/Berlin"),
      "is tuesday 09:00 in Europe/Berlin",
      "2026-01-12T09:00:00+01:00",
    ],
  ])("%s is rejected when it is not a handoff, suggesting the handoff that was meant", (start, h, reading, suggestion) => {
    const r = rotationAnchor(start, h);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(reading);
    expect(!r.ok && r.message).toContain(`use ${suggestion}`);
  });
});

describe("zone arithmetic", () => {
  it.each([
    ["2026-01-15T12:00:00Z", "Europe/Berlin", 60],
    ["2026-07-15T12:00:00Z", "Europe/Berlin", 120],
    ["2026-07-15T12:00:00Z", "America/New_York", -240],
    ["2026-07-15T12:00:00Z", "Asia/Kolkata", 330],
  ])("the offset at %s in %s is %i minutes", (instant, tz, minutes) => {
    expect(offsetMinutes(Date.parse(instant), tz)).toBe(minutes);
  });

  it("a wall time inside the spring-forward gap does not exist", () => {
    expect(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, "Europe/Berlin")).toBeUndefined();
  });

  it.each([
    [{ year: 2026, month: 1, day: 5 }, "monday"],
    [{ year: 2026, month: 1, day: 11 }, "sunday"],
    [{ year: 2024, month: 2, day: 29 }, "thursday"],
  ] as const)("%o is a %s", (date, day) => {
    expect(weekdayOf(date)).toBe(day);
  });
});
