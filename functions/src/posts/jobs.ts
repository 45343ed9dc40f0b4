/** The deletion cascade of posts: the task deletePost enqueues, and the sweep behind it. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import * as z from "zod";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { parse } from "../kernel/validation.js";
import { cascadePostDeletion, sweepDeletedPosts } from "./cascade.js";
import { PostIdSchema } from "./schema.js";

const CascadeTaskSchema = z.object({ postId: PostIdSchema }).strict();

/** Exported as deletePostCascade (cascade.ts CASCADE_TASK enqueues to it). */
export const deletePostCascade = onTaskDispatched(
  { region: REGION, retryConfig: { maxAttempts: 5, minBackoffSeconds: 10, maxBackoffSeconds: 300 }, timeoutSeconds: 540 },
  async (request) => {
    const { postId } = parse(CascadeTaskSchema, request.data);
    await cascadePostDeletion(postId);
  },
);

/** Safety net: deleted posts whose task was lost are cascaded here. */
export const sweepDeletedPostsJob = onSchedule(
  { schedule: "every 15 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const swept = await sweepDeletedPosts();
    if (swept > 0) log.info("deleted posts swept", { swept });
  },
);
