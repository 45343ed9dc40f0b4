/** How the social domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { Collections } from "../kernel/collections.js";
import { block, follow, unblock, unfollow } from "./graph.js";
import { listEdges, suggestions } from "./lists.js";
import { setProfilePhoto as claimProfilePhoto, setUsername as claimUsername, updateProfile as writeProfile } from "./profile.js";
import { getReport as readReport, report } from "./reports.js";
import {
  GetReportRequestSchema,
  ListEdgesRequestSchema,
  ReportRequestSchema,
  SetProfilePhotoRequestSchema,
  SetUsernameRequestSchema,
  SuggestionsRequestSchema,
  TargetUserRequestSchema,
  UpdateProfileRequestSchema,
} from "./schema.js";

/** Follow spam is the abuse to bound: a human does not follow hundreds of accounts a minute. */
const GRAPH_LIMIT = { perUid: { tokens: 60, windowSeconds: 60 } };

export const updateProfile = defineCallable({
  name: "social.updateProfile",
  input: UpdateProfileRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => writeProfile(caller, data),
});

export const setProfilePhoto = defineCallable({
  name: "social.setProfilePhoto",
  input: SetProfilePhotoRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 3600 } },
  handler: ({ caller, data }) => claimProfilePhoto(caller, data),
});

export const setUsername = defineCallable({
  name: "social.setUsername",
  input: SetUsernameRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => claimUsername(caller, data),
});

export const followUser = defineCallable({
  name: "social.follow",
  input: TargetUserRequestSchema,
  rateLimit: GRAPH_LIMIT,
  handler: ({ caller, data }) => follow(caller, data),
});

export const unfollowUser = defineCallable({
  name: "social.unfollow",
  input: TargetUserRequestSchema,
  rateLimit: GRAPH_LIMIT,
  handler: ({ caller, data }) => unfollow(caller, data),
});

export const listFollowers = defineCallable({
  name: "social.listFollowers",
  input: ListEdgesRequestSchema,
  handler: ({ caller, data }) => listEdges(caller, Collections.followers, data),
});

export const listFollowing = defineCallable({
  name: "social.listFollowing",
  input: ListEdgesRequestSchema,
  handler: ({ caller, data }) => listEdges(caller, Collections.following, data),
});

export const getFollowSuggestions = defineCallable({
  name: "social.suggestions",
  input: SuggestionsRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => suggestions(caller, data.limit),
});

export const blockUser = defineCallable({
  name: "social.block",
  input: TargetUserRequestSchema,
  rateLimit: GRAPH_LIMIT,
  handler: ({ caller, data }) => block(caller, data),
});

export const unblockUser = defineCallable({
  name: "social.unblock",
  input: TargetUserRequestSchema,
  rateLimit: GRAPH_LIMIT,
  handler: ({ caller, data }) => unblock(caller, data),
});

/** Reports feed human review: a tight budget stops queue flooding. */
export const REPORT_LIMIT_PER_HOUR = 20;
export const reportContent = defineCallable({
  name: "social.report",
  input: ReportRequestSchema,
  rateLimit: { perUid: { tokens: REPORT_LIMIT_PER_HOUR, windowSeconds: 3600 } },
  handler: ({ caller, data }) => report(caller, data),
});

export const getReport = defineCallable({
  name: "social.getReport",
  input: GetReportRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => readReport(caller, data),
});
