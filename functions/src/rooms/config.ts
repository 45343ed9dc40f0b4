/** config/rooms: room limits, bans, paid visits and level thresholds (admin-managed, zod defaults, cached 30 s). */
import { configDocument } from "../kernel/config-document.js";
import { type RoomsConfig, RoomsConfigSchema } from "./schema.js";

const rooms = configDocument("rooms", RoomsConfigSchema);

export const roomsConfig = (): Promise<RoomsConfig> => rooms.get();
