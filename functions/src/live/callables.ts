/** How the apps reach live streams. */
import "../composition.js";
import { defineCallable } from "../kernel/callable.js";
import { LIVEKIT_API_SECRET } from "../media/tokens.js";
import { listLiveStreams as listStreams } from "./discovery.js";
import {
  answerGuestInvite as answerInvite,
  answerGuestRequest as answerRequest,
  inviteGuest as invite,
  leaveGuestSlot as leaveSlot,
  removeGuest as remove,
  requestGuestSlot as request,
} from "./guests.js";
import { kickFromStream as kick, pinStreamMessage as pin, unbanFromStream as unban } from "./moderation.js";
import { getStreamRanking as ranking } from "./ranking.js";
import {
  AnswerGuestInviteSchema,
  AnswerGuestRequestSchema,
  EndStreamRequestSchema,
  GetStreamRankingRequestSchema,
  JoinStreamRequestSchema,
  KickFromStreamRequestSchema,
  ListLiveStreamsRequestSchema,
  PinStreamMessageRequestSchema,
  StartStreamRequestSchema,
  StreamRefRequestSchema,
  StreamUserRequestSchema,
  UpdateStreamInvitesRequestSchema,
} from "./schema.js";
import { endStream as end, startStream as start, updateStreamInvites as updateInvites } from "./streams.js";
import { joinStream as join, leaveStream as leave, getStreamMediaToken as mediaToken } from "./viewers.js";

/** Callables that sign media tokens, or remove and demote joined media sessions (media/sessions.ts), need the LiveKit secret. */
const MEDIA = { secrets: [LIVEKIT_API_SECRET] };
/** Stage and moderation actions: a human taps, a script floods. */
const ACTIONS = { perUid: { tokens: 60, windowSeconds: 60 } };

export const startStream = defineCallable({
  name: "live.startStream",
  input: StartStreamRequestSchema,
  roles: ["host"],
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  options: MEDIA,
  handler: ({ caller, data }) => start(caller, data),
});

export const endStream = defineCallable({
  name: "live.endStream",
  input: EndStreamRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  options: MEDIA,
  handler: ({ caller, data }) => end(caller, data),
});

export const updateStreamInvites = defineCallable({
  name: "live.updateStreamInvites",
  input: UpdateStreamInvitesRequestSchema,
  roles: ["host"],
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => updateInvites(caller, data),
});

export const listLiveStreams = defineCallable({
  name: "live.listLiveStreams",
  input: ListLiveStreamsRequestSchema,
  handler: ({ caller, data }) => listStreams(caller, data),
});

export const joinStream = defineCallable({
  name: "live.joinStream",
  input: JoinStreamRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  options: MEDIA,
  handler: ({ caller, data }) => join(caller, data),
});

export const leaveStream = defineCallable({
  name: "live.leaveStream",
  input: StreamRefRequestSchema,
  options: MEDIA,
  handler: ({ caller, data }) => leave(caller, data),
});

export const getStreamMediaToken = defineCallable({
  name: "live.getStreamMediaToken",
  input: StreamRefRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  options: MEDIA,
  handler: ({ caller, data }) => mediaToken(caller, data),
});

export const requestGuestSlot = defineCallable({
  name: "live.requestGuestSlot",
  input: StreamRefRequestSchema,
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => request(caller, data),
});

export const inviteGuest = defineCallable({
  name: "live.inviteGuest",
  input: StreamUserRequestSchema,
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => invite(caller, data),
});

export const answerGuestRequest = defineCallable({
  name: "live.answerGuestRequest",
  input: AnswerGuestRequestSchema,
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => answerRequest(caller, data),
});

export const answerGuestInvite = defineCallable({
  name: "live.answerGuestInvite",
  input: AnswerGuestInviteSchema,
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => answerInvite(caller, data),
});

export const leaveGuestSlot = defineCallable({
  name: "live.leaveGuestSlot",
  input: StreamRefRequestSchema,
  options: MEDIA,
  handler: ({ caller, data }) => leaveSlot(caller, data),
});

export const removeGuest = defineCallable({
  name: "live.removeGuest",
  input: StreamUserRequestSchema,
  rateLimit: ACTIONS,
  options: MEDIA,
  handler: ({ caller, data }) => remove(caller, data),
});

export const kickFromStream = defineCallable({
  name: "live.kickFromStream",
  input: KickFromStreamRequestSchema,
  rateLimit: ACTIONS,
  options: MEDIA,
  handler: ({ caller, data }) => kick(caller, data),
});

export const unbanFromStream = defineCallable({
  name: "live.unbanFromStream",
  input: StreamUserRequestSchema,
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => unban(caller, data),
});

export const pinStreamMessage = defineCallable({
  name: "live.pinStreamMessage",
  input: PinStreamMessageRequestSchema,
  rateLimit: ACTIONS,
  handler: ({ caller, data }) => pin(caller, data),
});

export const getStreamRanking = defineCallable({
  name: "live.getStreamRanking",
  input: GetStreamRankingRequestSchema,
  handler: ({ caller, data }) => ranking(caller, data),
});
