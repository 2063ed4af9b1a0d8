// Every rule module exports an array of these; policies/rules/index.ts concatenates them
// and policies/index.ts (the pack entry) only hands that list to PolicyPack.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export type Rule = ResourceValidationPolicy | StackValidationPolicy;
