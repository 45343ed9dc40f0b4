import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { REPORT_LIMIT_PER_HOUR, reportContent } from "../../src/social/callables.js";
import type { ReportResponse } from "../../src/social/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { makeUser, type SocialUser } from "./support.js";

const file = (user: SocialUser, data: unknown) => callInProcess(reportContent, { user, data }) as Promise<ReportResponse>;

describe("social: reports (moderation queue)", () => {
  useCleanStack();

  const request = (overrides: Record<string, unknown> = {}) => ({
    targetType: "stream",
    targetId: "stream-123",
    reason: "harassment",
    details: "insults in chat",
    requestId: randomUUID(),
    ...overrides,
  });

  it("files an open report once per request id", async () => {
    const reporter = await makeUser();
    const data = request();
    const results = await Promise.all([file(reporter, data), file(reporter, data), file(reporter, data)]);
    assert.ok(results.every((r) => r.reportId === results[0]?.reportId && r.status === "open"));
    const queue = await db().collection("reports").get();
    assert.equal(queue.size, 1);
    const report = queue.docs[0]?.data() ?? {};
    assert.equal(report.reporterUid, reporter.uid);
    assert.equal(report.status, "open");
    assert.equal(report.targetType, "stream");
    assert.equal(report.targetId, "stream-123");
    assert.equal(report.reason, "harassment");
    assert.deepEqual(report.evidence, []);
    assert.ok(report.createdAt);
    // Same request id, different payload: refused.
    await expectHttpsError(file(reporter, { ...data, reason: "spam" }), "failed-precondition");
  });

  it("rejects malformed input and foreign evidence, writing nothing", async () => {
    const reporter = await makeUser();
    const before = await allPaths();
    const bad = [
      null,
      request({ targetType: "planet" }),
      request({ reason: "dislike" }),
      request({ targetId: "" }),
      request({ requestId: "x" }),
      request({ details: "x".repeat(2001) }),
      request({ details: "  " }),
      request({ evidenceMediaIds: ["../etc/passwd"] }),
      request({ status: "closed" }),
    ];
    for (const data of bad) await expectHttpsError(file(reporter, data), "invalid-argument");
    await expectHttpsError(file(reporter, request({ targetType: "user", targetId: reporter.uid })), "failed-precondition");
    assert.deepEqual(await allPaths(), before);
  });

  it("is rate limited per reporter", async function () {
    this.timeout(30_000);
    const reporter = await makeUser();
    for (let i = 0; i < REPORT_LIMIT_PER_HOUR; i++) await file(reporter, request());
    await expectHttpsError(file(reporter, request()), "resource-exhausted");
    assert.equal((await db().collection("reports").get()).size, REPORT_LIMIT_PER_HOUR);
  });
});
