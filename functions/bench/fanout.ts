/**
 * Go-live fan-out benchmark: BENCH_FOLLOWERS followers (default 10,000) with devices and tokens on a
 * private local stack, a host who starts a stream over HTTP (twice: the app's retry), and the fan-out's
 * page tasks dispatched by the Cloud Tasks emulator to the functions emulator, every push through the
 * real Admin SDK to the FCM stand-in. Prints the time from the start to the last page, task invocations,
 * sends, duplicates and missed tokens (target: 0 and 0); exits non-zero otherwise.
 *
 *   npm run bench:fanout          (builds functions first; BENCH_FOLLOWERS=2000 for a quick run)
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { RecordedMessage } from "../../devstack/src/fcm/server.js";
import { callOverHttp, signInWithPassword, signUpWithPassword } from "../../devstack/src/smoke.js";
import { envFor, setFirestoreTriggers, startStack } from "../../devstack/src/stack.js";
import { auth as adminAuth, db } from "../src/kernel/app.js";
import { countDeliveries, seedFollowers } from "../test/support/fanout-world.js";

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const ROOT = join(__dirname, "..", "..");

async function main(): Promise<number> {
  console.log(`▶ starting a private local stack (functions, tasks, FCM stand-in) ...`);
  const stack = await startStack({ rootDir: ROOT, projectId: `demo-bench-fanout-${process.pid}`, ports: "free", functions: true });
  // The kernel's Admin SDK handles, pointed at this stack's project and emulators.
  Object.assign(process.env, envFor(stack.endpoints));
  try {
    const firestore = db();
    const auth = stack.endpoints.auth as string;
    const email = `host-${randomUUID().slice(0, 8)}@bench.test`;
    const signedUp = await signUpWithPassword(auth, email, "bench-password");
    // The sign-up trigger writes the profile; roles reach the token at the next sign-in.
    for (let tries = 0; !(await firestore.doc(`users/${signedUp.localId}`).get()).exists; tries++) {
      if (tries > 100) throw new Error("the host's profile was never created");
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await adminAuth().setCustomUserClaims(signedUp.localId, { roles: ["host"] });
    const host = await signInWithPassword(auth, email, "bench-password");

    console.log(`▶ seeding ${FOLLOWERS.toLocaleString("en")} followers with devices (Firestore triggers off) ...`);
    const seedStarted = Date.now();
    await setFirestoreTriggers(stack.endpoints, false);
    const world = await seedFollowers(firestore, signedUp.localId, FOLLOWERS);
    await setFirestoreTriggers(stack.endpoints, true);
    console.log(
      `  seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s: ${world.expectedTokens.size} tokens to reach, ${world.silentTokens.size} opted out or in quiet hours`,
    );

    const request = { requestId: randomUUID(), title: "Bench live", category: "chat", visibility: "public", country: "IN", region: "south-asia" };
    const started = Date.now();
    const first = await callOverHttp(stack.endpoints, "startStream", request, host.idToken);
    if (first.status !== 200) throw new Error(`startStream: ${JSON.stringify(first)}`);
    const replay = await callOverHttp(stack.endpoints, "startStream", request, host.idToken);
    if (replay.status !== 200) throw new Error(`startStream replay: ${JSON.stringify(replay)}`);
    const { streamId } = first.result as { streamId: string };
    const fanoutDoc = firestore.doc(`notificationFanouts/go-live-${streamId}`);
    let fanout = (await fanoutDoc.get()).data();
    while (fanout?.status !== "done") {
      if (Date.now() - started > 15 * 60_000) throw new Error(`fan-out not done after 15 minutes: ${JSON.stringify(fanout)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      fanout = (await fanoutDoc.get()).data();
    }
    const seconds = (Date.now() - started) / 1000;

    const pages = await fanoutDoc.collection("fanoutPages").get();
    const claims = pages.docs.reduce((sum, page) => sum + (page.get("attempts") as number), 0);
    const stats = (await (await fetch(`http://${stack.endpoints.tasks}/queueStats`)).json()) as Record<string, { tasksAdded: number }>;
    const queue = Object.entries(stats).find(([key]) => key.endsWith("-fanOutGoLive"))?.[1];
    const { messages } = (await (await fetch(`http://${stack.endpoints.fcm}/control/messages`)).json()) as { messages: RecordedMessage[] };
    const { duplicates, missed, unexpected } = countDeliveries(
      messages.map((message) => message.deliveredTo),
      world,
    );

    console.log(`\ngo-live fan-out to ${FOLLOWERS.toLocaleString("en")} followers`);
    console.log(`  time (start → last page done)  ${seconds.toFixed(1)} s`);
    console.log(
      `  pages                          ${fanout.pages} (page claims: ${claims}; tasks enqueued: ${queue ? Math.round(queue.tasksAdded * 5) : "n/a"})`,
    );
    console.log(
      `  sends accepted by FCM stand-in ${messages.length} (fan-out totals: ${fanout.totals.pushSent} sent, ${fanout.totals.pushFailed} failed)`,
    );
    console.log(`  inbox entries                  ${fanout.totals.inbox}`);
    console.log(`  skipped: preference / quiet    ${fanout.totals.skippedPreference} / ${fanout.totals.skippedQuietHours}`);
    console.log(`  duplicates                     ${duplicates}  (target 0)`);
    console.log(`  missed                         ${missed}  (target 0)`);
    console.log(`  to tokens that must get none   ${unexpected}  (target 0)`);
    return duplicates === 0 && missed === 0 && unexpected === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
