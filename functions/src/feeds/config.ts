/** Following feed settings (config/feeds, admin-managed), with defaults for every field. */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

export const FeedsConfigSchema = z
  .object({
    /** Authors with at least this many followers are not fanned out: their posts are pulled at read time. */
    pullThreshold: z.number().int().min(1).default(5_000),
    /** At most this many pulled authors are merged into one page (the largest accounts a user follows). */
    maxPulledAuthors: z.number().int().min(0).max(100).default(30),
    /** Posts of an author copied into a new follower's feed. */
    backfillPosts: z.number().int().min(0).max(100).default(20),
    /** Explore: engagement loses half its weight every this many hours. */
    trendHalfLifeHours: z.number().min(0.5).max(72).default(6),
    /** Explore: what one engagement of each kind adds to a post's score. */
    trendWeights: z
      .object({
        like: z.number().min(0).default(1),
        comment: z.number().min(0).default(3),
        share: z.number().min(0).default(5),
        view: z.number().min(0).default(0.2),
      })
      .strict()
      .default({ like: 1, comment: 3, share: 5, view: 0.2 }),
    /** Explore: the highest-scored posts read per page request (later ones are not offered). */
    trendCandidates: z.number().int().min(10).max(1_000).default(300),
  })
  .strict();
export type FeedsConfig = z.infer<typeof FeedsConfigSchema>;

const feeds = configDocument("feeds", FeedsConfigSchema);

export const feedsConfig = (): Promise<FeedsConfig> => feeds.get();
