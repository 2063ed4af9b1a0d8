// Wall-clock time in an IANA zone, with nothing but Intl (no Temporal in Node 20, no
// tz library). PagerDuty keeps a schedule's handoffs at the same local time across DST
// changes as long as the schedule carries the zone, so the only instant this project
// computes is the rotation anchor: the first handoff, at the configured local time.
import { WEEKDAYS, type Weekday } from "../config/schema";

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading of `instant` (epoch ms) in `timeZone`. */
export function localDateTime(instant: number, timeZone: string): LocalDateTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .filter((p) => p.type !== "literal")
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** UTC offset of `timeZone` at `instant`, in whole minutes (east positive: Berlin winter = 60). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const l = localDateTime(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / MINUTE_MS);
}

function sameWallClock(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

/**
 * The instant at which `timeZone` shows `local`, or undefined when that reading never
 * happens (the hour skipped by a spring-forward change). When the reading happens twice
 * (the repeated hour in autumn) the earlier instant wins, as in Temporal's "compatible".
 */
export function instantOf(local: LocalDateTime, timeZone: string): number | undefined {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  // Offsets a day either side bracket any single transition around this wall time.
  const candidates = [offsetMinutes(wall - DAY_MS, timeZone), offsetMinutes(wall + DAY_MS, timeZone)]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => sameWallClock(localDateTime(instant, timeZone), local))
    .sort((a, b) => a - b);
  return candidates[0];
}

/** `2026-01-05T09:00:00+01:00`: the instant written in the zone's own offset, as PagerDuty echoes it back. */
export function isoInZone(instant: number, timeZone: string): string {
  const l = localDateTime(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const time = `${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;
  return `${l.year}-${pad(l.month)}-${pad(l.day)}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function weekdayOf(date: LocalDate): Weekday {
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday (ISO 8601, as PagerDuty numbers days).
  return WEEKDAYS[(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7];
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export interface Handoff {
  day: Weekday;
  /** "HH:MM", 24h. */
  time: string;
  timeZone: string;
}

function handoffOn(date: LocalDate, handoff: Handoff): number | undefined {
  const [hour, minute] = handoff.time.split(":").map(Number);
  return instantOf({ ...date, hour, minute, second: 0 }, handoff.timeZone);
}

/**
 * The first handoff on or after `date` (a calendar date in the handoff's zone). A week whose
 * handoff time falls into a skipped DST hour is passed over: anchoring there would move every
 * later handoff to the shifted wall time.
 */
export function firstHandoffOnOrAfter(date: LocalDate, handoff: Handoff): number {
  for (let i = 0; i < 7 * 8; i++) {
    const d = addDays(date, i);
    if (weekdayOf(d) !== handoff.day) continue;
    const instant = handoffOn(d, handoff);
    if (instant !== undefined) return instant;
  }
  throw new Error(`no ${handoff.day} ${handoff.time} in ${handoff.timeZone} within 8 weeks of ${formatDate(date)}`);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDateOnly(text: string): LocalDate | undefined {
  const m = DATE_ONLY.exec(text);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
}

export type AnchorResult = { ok: true; instant: number } | { ok: false; message: string };

/**
 * Resolves `rotationStart` to the rotation anchor (the first handoff instant).
 * - A date (`2026-01-05`) means the first handoff on or after that day in the team's zone.
 * - A date-time with offset must *be* a handoff. Anything else is almost always a DST or
 *   zone slip (`+01:00` written in summer), and silently moving it would shift the whole
 *   rotation by one person, so it is rejected with the value that was probably meant.
 */
export function rotationAnchor(rotationStart: string, handoff: Handoff): AnchorResult {
  const date = parseDateOnly(rotationStart);
  if (date) return { ok: true, instant: firstHandoffOnOrAfter(date, handoff) };
  const instant = Date.parse(rotationStart);
  if (Number.isNaN(instant)) return { ok: false, message: `is not a date or date-time (got ${JSON.stringify(rotationStart)})` };
  const local = localDateTime(instant, handoff.timeZone);
  const expected = handoffOn(local, handoff);
  if (weekdayOf(local) === handoff.day && expected === instant) return { ok: true, instant };
  const suggestion = firstHandoffOnOrAfter(local, handoff);
  return {
    ok: false,
    message:
      `${rotationStart} is ${weekdayOf(local)} ${pad(local.hour)}:${pad(local.minute)} in ${handoff.timeZone}, ` +
      `not a handoff (${handoff.day} ${handoff.time}); use ${isoInZone(suggestion, handoff.timeZone)} ` +
      `or the date ${formatDate(localDateTime(suggestion, handoff.timeZone))}`,
  };
}

export function formatDate(date: LocalDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
