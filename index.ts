// `pulumi up` entry point. Kept thin: all logic is in program.ts and the builders.
import { features } from "./features";
import { runProgram } from "./program";
import { teams } from "./teams";

const outputs = runProgram({ features, teams });

export const dashboardUrls = outputs.dashboardUrls;
export const onCall = outputs.onCall;
export const sentryRules = outputs.sentryRules;
export const monitorIds = outputs.monitorIds;
export const sloIds = outputs.sloIds;
