// CrossGuard entry: `pulumi preview --policy-pack policies`. Constructing the pack starts the
// analyzer's gRPC server, so nothing imports this file; tests and `npm run check` use ./rules.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./rules";

new PolicyPack(PACK_NAME, packArgs);
