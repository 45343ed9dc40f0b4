/** How players reach Teen Patti tables: clients send intents; the server decides (tables.ts, actions.ts). */
import { defineCallable } from "../../kernel/callable.js";
import * as play from "./actions.js";
import {
  CreateTeenPattiTableRequestSchema,
  RespondSideShowRequestSchema,
  SitAtTableRequestSchema,
  TableRequestSchema,
  TeenPattiBetRequestSchema,
} from "./schema.js";
import * as tables from "./tables.js";

/** Every table action: a player acts a few times a minute at most; more is a client bug or a bot. */
const ACTION_LIMIT = { perUid: { tokens: 60, windowSeconds: 60 } };

export const createTeenPattiTable = defineCallable({
  name: "teenpatti.createTable",
  input: CreateTeenPattiTableRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 3_600 } },
  handler: ({ caller, data }) => tables.createTable(caller, data),
});

export const sitAtTable = defineCallable({
  name: "teenpatti.sitAtTable",
  input: SitAtTableRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => tables.sitAtTable(caller, data),
});

export const leaveTable = defineCallable({
  name: "teenpatti.leaveTable",
  input: TableRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => tables.leaveTable(caller, data),
});

export const seeCards = defineCallable({
  name: "teenpatti.seeCards",
  input: TableRequestSchema,
  rateLimit: ACTION_LIMIT,
  handler: ({ caller, data }) => play.seeCards(caller, data.tableId, data.requestId),
});

/** Chaal (seen) or blind: the amount's range depends on the player's state and the stake. */
export const teenPattiBet = defineCallable({
  name: "teenpatti.bet",
  input: TeenPattiBetRequestSchema,
  verifySession: true,
  rateLimit: ACTION_LIMIT,
  handler: ({ caller, data }) => play.bet(caller, data.tableId, data.amount, data.requestId),
});

export const teenPattiPack = defineCallable({
  name: "teenpatti.pack",
  input: TableRequestSchema,
  rateLimit: ACTION_LIMIT,
  handler: ({ caller, data }) => play.pack(caller, data.tableId, data.requestId),
});

export const teenPattiShow = defineCallable({
  name: "teenpatti.show",
  input: TableRequestSchema,
  verifySession: true,
  rateLimit: ACTION_LIMIT,
  handler: ({ caller, data }) => play.show(caller, data.tableId, data.requestId),
});

export const requestSideShow = defineCallable({
  name: "teenpatti.sideShow",
  input: TableRequestSchema,
  verifySession: true,
  rateLimit: ACTION_LIMIT,
  handler: ({ caller, data }) => play.sideShow(caller, data.tableId, data.requestId),
});

export const respondSideShow = defineCallable({
  name: "teenpatti.respondSideShow",
  input: RespondSideShowRequestSchema,
  rateLimit: ACTION_LIMIT,
  handler: ({ caller, data }) => play.respondSideShow(caller, data.tableId, data.accept, data.requestId),
});
