/** Agencies test fixtures: Auth-backed owners and admins, approved agencies, members joined through the callables. */
import { randomUUID } from "node:crypto";
import { answerAgencyRequest, applyForAgency, inviteToAgency, reviewAgency } from "../../src/agencies/callables.js";
import type { ApplyForAgencyResponse } from "../../src/agencies/schema.js";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import type { Role } from "../../src/kernel/roles.js";
import { callInProcess } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

export type Member = Pick<TestUser, "uid" | "callAuth">;

/** An Auth account (role changes go through Auth claims) with its users/{uid} profile. */
export async function makeAccount(roles: Role[] = [], fields: Record<string, unknown> = {}): Promise<TestUser> {
  const user = await createTestUser({ roles });
  await db()
    .doc(`users/${user.uid}`)
    .set({ uid: user.uid, displayName: `User ${user.uid}`, roles, country: "IN", ...fields });
  return user;
}

export const call = <T>(fn: Parameters<typeof callInProcess>[0], user: Member, data: unknown) => callInProcess(fn, { user, data }) as Promise<T>;

export async function applyFor(owner: Member, fields: Record<string, unknown> = {}): Promise<string> {
  const response = await call<ApplyForAgencyResponse>(applyForAgency, owner, {
    name: "Star Talent",
    country: "IN",
    description: "Hosts who sing",
    requestId: randomUUID(),
    ...fields,
  });
  return response.agencyId;
}

/** An agency applied for by `owner` and approved by `admin`. */
export async function approvedAgency(owner: Member, admin: Member, fields: Record<string, unknown> = {}): Promise<string> {
  const agencyId = await applyFor(owner, fields);
  await call(reviewAgency, admin, { agencyId, approve: true, reason: "documents checked" });
  return agencyId;
}

/** `host` joins by the owner's invitation. */
export async function join(owner: Member, host: Member, agencyId: string): Promise<void> {
  await call(inviteToAgency, owner, { agencyId, uid: host.uid });
  await call(answerAgencyRequest, host, { agencyId, uid: host.uid, accept: true });
}

export async function setAgenciesConfig(fields: Record<string, unknown>): Promise<void> {
  await db().doc("config/agencies").set(fields);
  clearConfigCaches();
}

/** Call inside a describe(): a clean stack, and config read afresh. */
export function useCleanAgenciesStack(): void {
  useCleanStack();
  beforeEach(() => clearConfigCaches());
}
