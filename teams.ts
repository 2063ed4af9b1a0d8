// The teams that own features and carry the pager. Ids are stable slugs: they become
// `team:` tags, PagerDuty service names and resource names, so never rename them.
import { defineTeams } from "./config/schema";

export const teams = defineTeams([
  {
    id: "contracts-ai",
    name: "Contracts AI",
    slack: "#contracts-ai-alerts",
    sentryTeam: "contracts-ai",
    onCall: {
      members: ["amara.okafor@example.com", "jonas.weber@example.com", "li.wei@example.com", "sofia.rossi@example.com"],
      handoff: { day: "monday", time: "09:00", timeZone: "Europe/Berlin" },
      rotationStart: "2026-01-05T09:00:00+01:00",
      secondary: "eng-manager.contracts@example.com",
      escalationDelayMinutes: 15,
    },
  },
  {
    id: "research-assistant",
    name: "Research Assistant",
    slack: "#research-assistant-alerts",
    sentryTeam: "research-assistant",
    onCall: {
      members: ["diego.martinez@example.com", "hana.sato@example.com", "kwame.mensah@example.com"],
      handoff: { day: "tuesday", time: "10:00", timeZone: "America/New_York" },
      rotationStart: "2026-01-06T10:00:00-05:00",
      escalationDelayMinutes: 10,
    },
  },
  {
    id: "platform",
    name: "AI Platform",
    slack: "#ai-platform-alerts",
    sentryTeam: "ai-platform",
    onCall: {
      members: ["priya.nair@example.com", "tom.becker@example.com", "olga.ivanova@example.com"],
      handoff: { day: "monday", time: "09:00", timeZone: "Europe/Berlin" },
      rotationStart: "2026-01-05T09:00:00+01:00",
      secondary: "head-of-platform@example.com",
    },
  },
]);
