/** Chat moderation on every message a client writes (see auto-moderation.ts); idempotent on the event id. */
import { onValueCreated } from "firebase-functions/v2/database";
import { REGION } from "../kernel/config.js";
import { moderateChatMessage } from "./auto-moderation.js";

export const onChatMessageCreated = onValueCreated({ ref: "chat/{venueKey}/{messageId}", region: REGION }, async (event) => {
  await moderateChatMessage({
    eventId: event.id,
    venueKey: event.params.venueKey,
    messageId: event.params.messageId,
    value: event.data.val(),
  });
});
