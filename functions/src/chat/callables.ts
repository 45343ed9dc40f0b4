/** How hosts, room admins, moderators and authors reach chat moderation. */
import { defineCallable } from "../kernel/callable.js";
import { deleteChatMessage as deleteMessage, muteInVenue as mute, unmuteInVenue as unmute } from "./moderation.js";
import { DeleteChatMessageRequestSchema, MuteInVenueRequestSchema, UnmuteInVenueRequestSchema } from "./schema.js";

export const muteInVenue = defineCallable({
  name: "chat.muteInVenue",
  input: MuteInVenueRequestSchema,
  handler: ({ caller, data }) => mute(caller, data),
});

export const unmuteInVenue = defineCallable({
  name: "chat.unmuteInVenue",
  input: UnmuteInVenueRequestSchema,
  handler: ({ caller, data }) => unmute(caller, data),
});

export const deleteChatMessage = defineCallable({
  name: "chat.deleteMessage",
  input: DeleteChatMessageRequestSchema,
  handler: ({ caller, data }) => deleteMessage(caller, data),
});
