/** How the operations console watches live activity and ends a venue. */
import "../../composition.js";
import { defineCallable } from "../../kernel/callable.js";
import { staffCloseRoom as closeRoom, staffEndStream as endStream } from "./actions.js";
import { getLiveOverview as overview, listLiveVenues as venues } from "./monitoring.js";
import { GetLiveOverviewRequestSchema, ListLiveVenuesRequestSchema, StaffCloseRoomRequestSchema, StaffEndStreamRequestSchema } from "./schema.js";

/** Moderators watch live activity; support may read it to answer users. */
export const getLiveOverview = defineCallable({
  name: "liveOps.getLiveOverview",
  input: GetLiveOverviewRequestSchema,
  roles: ["moderator", "support"],
  handler: () => overview(),
});

export const listLiveVenues = defineCallable({
  name: "liveOps.listLiveVenues",
  input: ListLiveVenuesRequestSchema,
  roles: ["moderator", "support"],
  handler: ({ data }) => venues(data),
});

export const staffEndStream = defineCallable({
  name: "liveOps.staffEndStream",
  input: StaffEndStreamRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => endStream(caller, data),
});

export const staffCloseRoom = defineCallable({
  name: "liveOps.staffCloseRoom",
  input: StaffCloseRoomRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => closeRoom(caller, data),
});
