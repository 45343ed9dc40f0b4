/**
 * Every configuration document operators may edit (config/{id}), with the schema its readers parse it
 * with: an edit is checked against exactly what the platform will read. config/games is read by each
 * game through its own field, so its schema is the union of the games' schemas.
 */
import type * as z from "zod";
import { AgenciesConfigSchema } from "../../agencies/config.js";
import { ChatConfigSchema } from "../../chat/config.js";
import { FeedsConfigSchema } from "../../feeds/config.js";
import { GamesConfigSchema as GreedyGamesConfigSchema } from "../../games/greedy/config.js";
import { GamesConfigSchema as TeenPattiGamesConfigSchema } from "../../games/teenpatti/config.js";
import { GiftsConfigSchema } from "../../gifts/config.js";
import { AccessConfigSchema } from "../../identity/schema.js";
import { FlagsConfigSchema } from "../../kernel/flags.js";
import { MaintenanceConfigSchema } from "../../kernel/maintenance.js";
import { PkConfigSchema } from "../../live/pk/config.js";
import { LiveConfigSchema } from "../../live/schema.js";
import { MediaConfigSchema } from "../../media/uploads/config.js";
import { MessagesConfigSchema } from "../../messages/config.js";
import { NotificationsConfigSchema } from "../../notifications/config.js";
import { PostsConfigSchema } from "../../posts/config.js";
import { ProgressionConfigSchema } from "../../progression/config.js";
import { VipConfigSchema } from "../../progression/vip/schema.js";
import { RankingsConfigSchema } from "../../rankings/config.js";
import { RoomsConfigSchema } from "../../rooms/schema.js";
import { PresenceConfigSchema } from "../../venues/schema.js";
import { EconomyConfigSchema } from "../../wallet/config.js";

export interface EditableConfig {
  schema: z.ZodType;
  description: string;
}

export const EDITABLE_CONFIGS: Record<string, EditableConfig> = {
  access: { schema: AccessConfigSchema, description: "Sign-up and sign-in policy (blocked countries, e-mail domains, verification)." },
  agencies: { schema: AgenciesConfigSchema, description: "Agencies: commission tiers, membership rules, salary periods." },
  chat: { schema: ChatConfigSchema, description: "Venue chat: message limits, profanity filter, automatic mutes." },
  economy: {
    schema: EconomyConfigSchema,
    description: "Coins and diamonds: exchange rates, withdrawals, reseller commissions, approval thresholds.",
  },
  feeds: { schema: FeedsConfigSchema, description: "Following feed and explore: fan-out limits, trending windows." },
  flags: { schema: FlagsConfigSchema, description: "Feature flags: enabled, rollout percentage, country and role targeting." },
  games: {
    schema: TeenPattiGamesConfigSchema.extend(GreedyGamesConfigSchema.shape),
    description: "Games: Greedy (items, odds, chips, exposure) and Teen Patti (boots, limits, timers).",
  },
  gifts: { schema: GiftsConfigSchema, description: "Gifts: the streak window of repeated sends." },
  live: { schema: LiveConfigSchema, description: "Live streams: limits, guests, viewer handling." },
  maintenance: {
    schema: MaintenanceConfigSchema,
    description: "Maintenance mode: every callable refuses non-admins with this message while enabled.",
  },
  media: { schema: MediaConfigSchema, description: "Media uploads: sizes, types, durations, retention." },
  messages: { schema: MessagesConfigSchema, description: "Direct messages: limits and message requests." },
  notifications: { schema: NotificationsConfigSchema, description: "Notifications: push rates, aggregation windows, retries." },
  pk: { schema: PkConfigSchema, description: "PK battles: durations, rewards and their daily caps." },
  posts: { schema: PostsConfigSchema, description: "Posts and stories: lengths, limits, edit windows." },
  presence: { schema: PresenceConfigSchema, description: "Venue presence: when a member counts as gone." },
  progression: { schema: ProgressionConfigSchema, description: "Levels and badges: points per activity, thresholds." },
  rankings: { schema: RankingsConfigSchema, description: "Leaderboards: boards, periods and rewards." },
  rooms: { schema: RoomsConfigSchema, description: "Voice rooms: limits, bans, paid visits, level thresholds." },
  vip: { schema: VipConfigSchema, description: "VIP tiers: prices, durations, benefits." },
};

export function editableConfig(id: string): EditableConfig | undefined {
  return Object.hasOwn(EDITABLE_CONFIGS, id) ? EDITABLE_CONFIGS[id] : undefined;
}
