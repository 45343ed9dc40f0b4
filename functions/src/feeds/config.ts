/** Following feed settings (config/feeds, admin-managed), with defaults for every field. */
import { z } from "zod";
import { configDocument } from "../kernel/config-document.js";

export const FeedsConfigSchema = z
  .object({
    /** Authors with at least this many followers are not fanned out: their posts are pulled at read time. */
    pullThreshold: z.number().int().min(1).default(5_000),
    /** At most this many pulled authors are merged into one page (the largest accounts a user follows). */
    maxPulledAuthors: z.number().int().min(0).max(100).default(30),
    /** Posts of an author copied into a new follower's feed. */
    backfillPosts: z.number().int().min(0).max(100).default(20),
  })
  .strict();
export type FeedsConfig = z.infer<typeof FeedsConfigSchema>;

const feeds = configDocument("feeds", FeedsConfigSchema);

export const feedsConfig = (): Promise<FeedsConfig> => feeds.get();
