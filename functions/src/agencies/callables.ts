/** How the agencies domain is reached by the apps (and by admins reviewing and settling). */
import { defineCallable } from "../kernel/callable.js";
import { nullMeansDefaults } from "../kernel/validation.js";
import {
  createSubAgency as addSubAgency,
  applyForAgency as apply,
  deleteAgency as remove,
  reviewAgency as review,
  searchAgencies as search,
  updateAgencyProfile as updateProfile,
  updateAgencySettings as updateSettings,
} from "./agencies.js";
import { postAgencyMessage as post } from "./chat.js";
import { announceToMembers, getAgencyDashboard as dashboard, exportStatementCsv } from "./dashboard.js";
import {
  answerJoinRequest as answer,
  applyToAgency as applyToJoin,
  approveLeave as approve,
  inviteHost as invite,
  requestLeave as leave,
  removeMember as removeFromAgency,
  setMemberRole as setRole,
} from "./membership.js";
import {
  AgencyRequestSchema,
  AnnounceRequestSchema,
  AnswerRequestSchema,
  ApplyForAgencyRequestSchema,
  CreateSubAgencyRequestSchema,
  DashboardRequestSchema,
  MemberRequestSchema,
  PostAgencyMessageRequestSchema,
  ReviewAgencyRequestSchema,
  SearchAgenciesRequestSchema,
  SetMemberRoleRequestSchema,
  StatementRequestSchema,
  UpdateAgencyProfileRequestSchema,
  UpdateAgencySettingsRequestSchema,
} from "./schema.js";
import { settleAgencyPeriod } from "./statements.js";

export const applyForAgency = defineCallable({
  name: "agencies.apply",
  input: ApplyForAgencyRequestSchema,
  rateLimit: { perUid: { tokens: 5, windowSeconds: 60 } },
  handler: ({ caller, data }) => apply(caller, data),
});

export const reviewAgency = defineCallable({
  name: "agencies.review",
  input: ReviewAgencyRequestSchema,
  roles: ["admin"],
  handler: ({ caller, data }) => review(caller, data),
});

export const updateAgencyProfile = defineCallable({
  name: "agencies.updateProfile",
  input: UpdateAgencyProfileRequestSchema,
  handler: ({ caller, data }) => updateProfile(caller, data),
});

export const updateAgencySettings = defineCallable({
  name: "agencies.updateSettings",
  input: UpdateAgencySettingsRequestSchema,
  handler: ({ caller, data }) => updateSettings(caller, data),
});

export const searchAgencies = defineCallable({
  name: "agencies.search",
  input: nullMeansDefaults(SearchAgenciesRequestSchema),
  handler: ({ data }) => search(data),
});

export const createSubAgency = defineCallable({
  name: "agencies.createSubAgency",
  input: CreateSubAgencyRequestSchema,
  roles: ["agencyOwner"],
  handler: ({ caller, data }) => addSubAgency(caller, data),
});

export const deleteAgency = defineCallable({
  name: "agencies.delete",
  input: AgencyRequestSchema,
  verifySession: true,
  options: { timeoutSeconds: 540 },
  handler: ({ caller, data }) => remove(caller, data),
});

export const inviteToAgency = defineCallable({
  name: "agencies.invite",
  input: MemberRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => invite(caller, data),
});

export const applyToAgency = defineCallable({
  name: "agencies.applyToJoin",
  input: AgencyRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => applyToJoin(caller, data),
});

export const answerAgencyRequest = defineCallable({
  name: "agencies.answer",
  input: AnswerRequestSchema,
  handler: ({ caller, data }) => answer(caller, data),
});

export const setAgencyMemberRole = defineCallable({
  name: "agencies.setMemberRole",
  input: SetMemberRoleRequestSchema,
  handler: ({ caller, data }) => setRole(caller, data),
});

export const requestAgencyLeave = defineCallable({
  name: "agencies.requestLeave",
  input: AgencyRequestSchema,
  handler: ({ caller, data }) => leave(caller, data),
});

export const approveAgencyLeave = defineCallable({
  name: "agencies.approveLeave",
  input: MemberRequestSchema,
  handler: ({ caller, data }) => approve(caller, data),
});

export const removeAgencyMember = defineCallable({
  name: "agencies.removeMember",
  input: MemberRequestSchema,
  handler: ({ caller, data }) => removeFromAgency(caller, data),
});

export const getAgencyDashboard = defineCallable({
  name: "agencies.dashboard",
  input: DashboardRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => dashboard(caller, data),
});

export const exportAgencyStatement = defineCallable({
  name: "agencies.exportStatement",
  input: StatementRequestSchema,
  handler: ({ caller, data }) => exportStatementCsv(caller, data),
});

export const announceToAgency = defineCallable({
  name: "agencies.announce",
  input: AnnounceRequestSchema,
  rateLimit: { perUid: { tokens: 5, windowSeconds: 60 } },
  handler: ({ caller, data }) => announceToMembers(caller, data),
});

/** Members post in the agency channel (read through RTDB rules: agencyChat/{agencyId}/messages). */
export const postAgencyMessage = defineCallable({
  name: "agencies.postMessage",
  input: PostAgencyMessageRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => post(caller, data),
});

/** Admins: settle (or re-check) a closed period of an agency; the job does the same for every agency. */
export const settleAgencyStatement = defineCallable({
  name: "agencies.settle",
  input: StatementRequestSchema,
  roles: ["admin"],
  options: { timeoutSeconds: 540 },
  handler: async ({ data }) => {
    const { statement, matchesStored, transactions } = await settleAgencyPeriod(data.agencyId, data.period);
    return { statement, matchesStored, transactions };
  },
});
