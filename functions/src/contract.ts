/**
 * The callables' typed contract, for clients (client/ re-exports it): every callables module, type-only,
 * so a client bundle never pulls server code. A name here is the deployed function's name (registry.ts).
 */
import type * as adminFinance from "./admin/finance/callables.js";
import type * as adminLive from "./admin/live/callables.js";
import type * as adminModeration from "./admin/moderation/callables.js";
import type * as adminPlatform from "./admin/platform/callables.js";
import type * as adminUsers from "./admin/users/callables.js";
import type * as agencies from "./agencies/callables.js";
import type * as campaigns from "./campaigns/callables.js";
import type * as chat from "./chat/callables.js";
import type * as feeds from "./feeds/callables.js";
import type * as fairness from "./games/fairness/callables.js";
import type * as greedy from "./games/greedy/callables.js";
import type * as gameLimits from "./games/limits/callables.js";
import type * as teenPatti from "./games/teenpatti/callables.js";
import type * as gdpr from "./gdpr/callables.js";
import type * as gifts from "./gifts/callables.js";
import type * as identity from "./identity/callables.js";
import type { CallableAccess, TypedCallable } from "./kernel/callable.js";
import type * as kyc from "./kyc/callables.js";
import type * as live from "./live/callables.js";
import type * as pk from "./live/pk/callables.js";
import type * as mediaUploads from "./media/uploads/callables.js";
import type * as messages from "./messages/callables.js";
import type * as notifications from "./notifications/callables.js";
import type * as payments from "./payments/callables.js";
import type * as posts from "./posts/callables.js";
import type * as stories from "./posts/stories/callables.js";
import type * as progression from "./progression/callables.js";
import type * as vip from "./progression/vip/callables.js";
import type * as rankings from "./rankings/callables.js";
import type * as rooms from "./rooms/callables.js";
import type * as social from "./social/callables.js";
import type * as users from "./users/callables.js";
import type * as wallet from "./wallet/callables.js";

type Modules = [
  typeof adminFinance,
  typeof adminLive,
  typeof adminModeration,
  typeof adminPlatform,
  typeof adminUsers,
  typeof agencies,
  typeof campaigns,
  typeof chat,
  typeof feeds,
  typeof fairness,
  typeof greedy,
  typeof gameLimits,
  typeof teenPatti,
  typeof gdpr,
  typeof gifts,
  typeof identity,
  typeof kyc,
  typeof live,
  typeof pk,
  typeof mediaUploads,
  typeof messages,
  typeof notifications,
  typeof payments,
  typeof posts,
  typeof stories,
  typeof progression,
  typeof vip,
  typeof rankings,
  typeof rooms,
  typeof social,
  typeof users,
  typeof wallet,
];

/** A module's callables: the exports that carry `.access` (defineCallable's), by export name. */
type CallablesOf<M> = { [K in keyof M as M[K] extends CallableAccess ? K : never]: M[K] };
type Merge<L extends unknown[]> = L extends [infer Head, ...infer Tail] ? CallablesOf<Head> & Merge<Tail> : unknown;

/** Every callable by deployed name. */
export type Callables = { [K in keyof Merge<Modules>]: Merge<Modules>[K] };
export type CallableName = keyof Callables & string;
export type CallableInput<N extends CallableName> = Callables[N] extends TypedCallable<infer Input, unknown> ? Input : never;
export type CallableOutput<N extends CallableName> = Callables[N] extends TypedCallable<never, infer Result> ? Result : never;
