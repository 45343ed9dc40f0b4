/** How the posts domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { addComment, listComments as readComments, deleteComment as removeOwnComment } from "./comments.js";
import { setLike } from "./likes.js";
import { removeContent } from "./moderation.js";
import {
  editPost as edit,
  createPost as publish,
  getPost as readPost,
  listUserPosts as readUserPosts,
  deletePost as removeOwnPost,
  repost,
} from "./posts.js";
import {
  AddCommentRequestSchema,
  CommentRequestSchema,
  CreatePostRequestSchema,
  EditPostRequestSchema,
  ListCommentsRequestSchema,
  ListUserPostsRequestSchema,
  PostRequestSchema,
  RemoveContentRequestSchema,
  RepostRequestSchema,
  SetLikeRequestSchema,
} from "./schema.js";

/** Publishing is what spam does: a person does not post or comment dozens of times a minute. */
const PUBLISH_LIMIT = { perUid: { tokens: 20, windowSeconds: 60 } };

export const createPost = defineCallable({
  name: "posts.create",
  input: CreatePostRequestSchema,
  rateLimit: PUBLISH_LIMIT,
  handler: ({ caller, data }) => publish(caller, data),
});

export const editPost = defineCallable({
  name: "posts.edit",
  input: EditPostRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => edit(caller, data),
});

export const deletePost = defineCallable({
  name: "posts.delete",
  input: PostRequestSchema,
  handler: ({ caller, data }) => removeOwnPost(caller, data),
});

export const repostPost = defineCallable({
  name: "posts.repost",
  input: RepostRequestSchema,
  rateLimit: PUBLISH_LIMIT,
  handler: ({ caller, data }) => repost(caller, data),
});

export const getPost = defineCallable({
  name: "posts.get",
  input: PostRequestSchema,
  handler: ({ caller, data }) => readPost(caller, data),
});

export const listUserPosts = defineCallable({
  name: "posts.listByUser",
  input: ListUserPostsRequestSchema,
  handler: ({ caller, data }) => readUserPosts(caller, data),
});

export const likePost = defineCallable({
  name: "posts.like",
  input: SetLikeRequestSchema,
  handler: ({ caller, data }) => setLike(caller, data),
});

export const commentOnPost = defineCallable({
  name: "posts.comment",
  input: AddCommentRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => addComment(caller, data),
});

export const deleteComment = defineCallable({
  name: "posts.deleteComment",
  input: CommentRequestSchema,
  handler: ({ caller, data }) => removeOwnComment(caller, data),
});

export const listComments = defineCallable({
  name: "posts.listComments",
  input: ListCommentsRequestSchema,
  handler: ({ caller, data }) => readComments(caller, data),
});

/** Moderators and admins: audited, and the author is notified. */
export const removePostContent = defineCallable({
  name: "posts.removeContent",
  input: RemoveContentRequestSchema,
  roles: ["moderator"],
  handler: ({ caller, data }) => removeContent(caller, data),
});
