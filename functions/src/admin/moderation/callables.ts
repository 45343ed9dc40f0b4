/** How moderators and admins work the moderation queue, and how users appeal their sanctions. */
// Suspensions and bans take accounts out of live venues, through the adapters composition.ts registers.
import "../../composition.js";
import { defineCallable } from "../../kernel/callable.js";
import * as actions from "./actions.js";
import * as appeals from "./appeals.js";
import * as metrics from "./metrics.js";
import * as queue from "./queue.js";
import {
  DecideAppealRequestSchema,
  GetModerationItemRequestSchema,
  GetModerationMetricsRequestSchema,
  ListAppealsRequestSchema,
  ListModerationQueueRequestSchema,
  SubmitAppealRequestSchema,
  TakeModerationActionRequestSchema,
} from "./schema.js";

export const listModerationQueue = defineCallable({
  name: "moderation.listQueue",
  input: ListModerationQueueRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => queue.listModerationQueue(caller, data),
});

export const getModerationItem = defineCallable({
  name: "moderation.getItem",
  input: GetModerationItemRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => queue.getModerationItem(caller, data),
});

export const takeModerationAction = defineCallable({
  name: "moderation.takeAction",
  input: TakeModerationActionRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => actions.takeModerationAction(caller, data),
});

/** One appeal per sanction, so a small budget is plenty. */
export const submitAppeal = defineCallable({
  name: "moderation.submitAppeal",
  input: SubmitAppealRequestSchema,
  rateLimit: { perUid: { tokens: 5, windowSeconds: 60 } },
  handler: ({ caller, data }) => appeals.submitAppeal(caller, data),
});

/** Support files an appeal for a user who cannot call in (a banned or suspended account). */
export const fileAppealForUser = defineCallable({
  name: "moderation.fileAppealForUser",
  input: SubmitAppealRequestSchema,
  roles: ["support"],
  handler: ({ caller, data }) => appeals.fileAppealForUser(caller, data),
});

export const listAppeals = defineCallable({
  name: "moderation.listAppeals",
  input: ListAppealsRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => appeals.listAppeals(caller, data),
});

export const decideAppeal = defineCallable({
  name: "moderation.decideAppeal",
  input: DecideAppealRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => appeals.decideAppeal(caller, data),
});

export const getModerationMetrics = defineCallable({
  name: "moderation.getMetrics",
  input: GetModerationMetricsRequestSchema,
  roles: ["moderator"],
  handler: ({ data }) => metrics.getModerationMetrics(data),
});
