/**
 * Moderation settings (config/moderation, admin-managed): the base priority of each source's items, how
 * much every other open item on the same subject adds, the escalation ladder and its window, the default
 * mute, and when the chat filter's repeat offenders become a queue item.
 */
import * as z from "zod";
import { configDocument } from "../../kernel/config-document.js";
import { ITEM_SOURCES, MAX_SANCTION_MINUTES } from "./schema.js";

const PrioritySchema = z.number().int().min(0).max(100);

export const DEFAULT_PRIORITIES: Record<(typeof ITEM_SOURCES)[number], number> = {
  "user-report": 40,
  "chat-filter": 30,
  media: 50,
  "game-collusion": 60,
  "payment-velocity": 70,
  "payment-review": 60,
  "reseller-ring": 70,
  other: 20,
};

const LadderStepSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("warn") }).strict(),
  z.object({ action: z.literal("suspend"), minutes: z.number().int().min(1).max(MAX_SANCTION_MINUTES) }).strict(),
  z.object({ action: z.literal("ban") }).strict(),
]);
export type LadderStep = z.infer<typeof LadderStepSchema>;

export const DEFAULT_LADDER: LadderStep[] = [
  { action: "warn" },
  { action: "suspend", minutes: 5 },
  { action: "suspend", minutes: 10 },
  { action: "ban" },
];

export const ModerationConfigSchema = z
  .object({
    /** Base priority per source (0-100); sources left out keep their default. */
    priorities: z.partialRecord(z.enum(ITEM_SOURCES), PrioritySchema).default({}),
    /** Added per other open item on the same subject (repeat reports), capped at 100. */
    repeatBoost: z.number().int().min(0).max(100).default(10),
    /** "escalate" takes step n for a subject with n active sanctions within the window (the last step repeats). */
    ladder: z.array(LadderStepSchema).min(1).max(10).default(DEFAULT_LADDER),
    ladderWindowDays: z.number().int().min(1).max(365).default(30),
    /** A mute without a duration. */
    muteMinutes: z.number().int().min(1).max(MAX_SANCTION_MINUTES).default(60),
    chatFilter: z
      .object({
        /** Messages masked or removed by the chat filter within the window that raise a chat-filter item. */
        offences: z.number().int().min(1).max(100).default(5),
        windowSeconds: z
          .number()
          .int()
          .min(60)
          .max(7 * 86_400)
          .default(3_600),
      })
      .strict()
      .default({ offences: 5, windowSeconds: 3_600 }),
  })
  .strict();
export type ModerationConfig = z.infer<typeof ModerationConfigSchema>;

const moderation = configDocument("moderation", ModerationConfigSchema);

export const moderationConfig = (): Promise<ModerationConfig> => moderation.get();

export function basePriority(config: ModerationConfig, source: (typeof ITEM_SOURCES)[number]): number {
  return config.priorities[source] ?? DEFAULT_PRIORITIES[source];
}
