/**
 * `npm run smoke`: proves a running local stack works the way a mobile app uses it, over HTTP only
 * (Auth emulator REST, the callable protocol) plus Admin SDK reads of the resulting documents and REST
 * reads of the Realtime Database.
 */
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { adminAppFor } from "./admin.js";
import { sleep } from "./net.js";
import { readRunningStack, type StackEndpoints } from "./stack.js";

interface CallableReply {
  status: number;
  result?: Record<string, unknown>;
  error?: { status: string; message: string };
}

/** A 1×1 PNG, the smallest image the upload path accepts. */
const ONE_PIXEL_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Email/password sign-up or sign-in through the Auth emulator's REST API, as the client SDKs do it. */
async function passwordAuth(authHost: string, action: "signUp" | "signInWithPassword", email: string, password: string) {
  const response = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:${action}?key=local-api-key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  if (!response.ok) throw new Error(`${action} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { idToken: string; localId: string };
}

export const signUpWithPassword = (authHost: string, email: string, password: string) => passwordAuth(authHost, "signUp", email, password);
export const signInWithPassword = (authHost: string, email: string, password: string) =>
  passwordAuth(authHost, "signInWithPassword", email, password);

/** The callable wire protocol, as the Firebase client SDKs speak it. */
export async function callOverHttp(endpoints: StackEndpoints, name: string, data: unknown, idToken?: string): Promise<CallableReply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (idToken) headers.authorization = `Bearer ${idToken}`;
  const response = await fetch(`http://${endpoints.functions}/${endpoints.projectId}/us-central1/${name}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as Omit<CallableReply, "status">;
  return { status: response.status, ...body };
}

/** The demo world's voice room (emulator-data): Luna's, open, 8 seats, Luna on seat 0. */
export const DEMO_ROOM_ID = "demo-room-lounge";

/** A Realtime Database value read over REST with the emulators' admin credential. */
async function rtdbValue(endpoints: StackEndpoints, path: string): Promise<unknown> {
  const response = await fetch(`http://${endpoints.database}/${path}.json?ns=${endpoints.databaseNamespace}`, {
    headers: { authorization: "Bearer owner" },
  });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** RTDB returns a dense seats list as an array, a sparse one as an object: both index by seat number. */
async function seatHolder(endpoints: StackEndpoints, roomId: string, index: number): Promise<string | null> {
  const seats = (await rtdbValue(endpoints, `rooms/${roomId}/seats`)) as Record<string, { uid?: string } | null> | null;
  return seats?.[String(index)]?.uid ?? null;
}

export async function smoke(rootDir: string, projectId: string): Promise<number> {
  const endpoints = readRunningStack(rootDir, projectId);
  if (!endpoints?.auth || !endpoints.functions) {
    console.error("✖ No running local stack: start it with `npm start` (in another terminal) first.");
    return 1;
  }
  const admin = adminAppFor(endpoints);
  const firestore = getFirestore(admin.app);
  let passed = 0;
  let failed = 0;
  const check = (label: string, ok: boolean, detail = "") => {
    console.log(`${ok ? "✔" : "✖"} ${label}${ok || !detail ? "" : `: ${detail}`}`);
    if (ok) passed++;
    else failed++;
  };
  try {
    const email = `smoke-${Date.now()}@example.test`;
    const user = await signUpWithPassword(endpoints.auth, email, "smoke-password");
    check("sign up through the Auth emulator", !!user.idToken && !!user.localId);

    let profileDoc = await firestore.doc(`users/${user.localId}`).get();
    for (let i = 0; i < 50 && !profileDoc.exists; i++) {
      await sleep(200);
      profileDoc = await firestore.doc(`users/${user.localId}`).get();
    }
    const walletDoc = await firestore.doc(`wallets/${user.localId}`).get();
    check("Auth trigger created users/{uid} and wallets/{uid}", profileDoc.exists && walletDoc.exists);

    const reply = await callOverHttp(endpoints, "getMyProfile", null, user.idToken);
    const profile = reply.result?.profile as { uid?: string; displayName?: string } | undefined;
    const wallet = reply.result?.wallet as { coins?: number; diamonds?: number } | undefined;
    check(
      "getMyProfile over HTTP with the ID token returns the Firestore profile",
      reply.status === 200 && profile?.uid === user.localId && profile?.displayName === profileDoc.get("displayName"),
      JSON.stringify(reply),
    );
    check("the new wallet is empty", wallet?.coins === 0 && wallet?.diamonds === 0, JSON.stringify(wallet));

    const anonymous = await callOverHttp(endpoints, "getMyProfile", null);
    check("getMyProfile without a token is refused (unauthenticated)", anonymous.error?.status === "UNAUTHENTICATED", JSON.stringify(anonymous));

    const denied = await callOverHttp(
      endpoints,
      "setUserRoles",
      { uid: user.localId, roles: ["admin"], reason: "self-promotion", requestId: `smoke-${Date.now()}` },
      user.idToken,
    );
    check("a viewer cannot grant roles (permission-denied)", denied.error?.status === "PERMISSION_DENIED", JSON.stringify(denied));

    const adminUser = await signInWithPassword(endpoints.auth, "admin@demo.live", "demo-password");
    const granted = await callOverHttp(
      endpoints,
      "setUserRoles",
      { uid: user.localId, roles: ["host"], reason: "smoke test: make host", requestId: `smoke-grant-${Date.now()}` },
      adminUser.idToken,
    );
    const claims = (await getAuth(admin.app).getUser(user.localId)).customClaims;
    const mirrored = (await firestore.doc(`users/${user.localId}`).get()).get("roles");
    check(
      "the demo admin grants the host role: claim set and mirrored on the profile",
      granted.status === 200 && JSON.stringify(claims?.roles) === '["host"]' && JSON.stringify(mirrored) === '["host"]',
      JSON.stringify({ granted, claims, mirrored }),
    );

    const giftSent = await callOverHttp(
      endpoints,
      "sendGift",
      { giftId: "heart", recipientUid: "demo-host-luna", count: 1, context: { type: "stream", id: "smoke" }, requestId: `smoke-gift-${Date.now()}` },
      user.idToken,
    );
    check(
      "a user without coins cannot send a gift (failed-precondition)",
      giftSent.error?.status === "FAILED_PRECONDITION",
      JSON.stringify(giftSent),
    );

    // Media: the phone's upload path (a signed URL on the Cloud Storage stand-in, then the finalize trigger).
    const image = Buffer.from(ONE_PIXEL_PNG_BASE64, "base64");
    const grant = await callOverHttp(
      endpoints,
      "requestMediaUpload",
      { kind: "image", contentType: "image/png", sizeBytes: image.length, purpose: "post" },
      user.idToken,
    );
    const upload = grant.result as { mediaId: string; uploadUrl: string; headers: Record<string, string> } | undefined;
    const put = upload ? await fetch(upload.uploadUrl, { method: "PUT", headers: upload.headers, body: new Uint8Array(image) }) : null;
    let media: FirebaseFirestore.DocumentData | undefined;
    for (let i = 0; i < 60 && upload && (!media || media.status === "uploading"); i++) {
      await sleep(250);
      media = (await firestore.doc(`media/${upload.mediaId}`).get()).data();
    }
    check(
      "an image uploaded through a signed URL (requestMediaUpload, PUT to Storage) is made ready by the finalize trigger",
      put?.status === 200 && media?.status === "ready" && media?.width === 1 && typeof media?.thumbnailPath === "string",
      JSON.stringify({ grant: grant.status, put: put?.status, media }),
    );

    // The real-time layer: the new user enters the demo voice room, sits down and leaves, as an app does.
    const demoRoom = await callOverHttp(endpoints, "getRoom", { roomId: DEMO_ROOM_ID }, user.idToken);
    const found = (demoRoom.result?.room as { status?: string } | undefined)?.status === "open";
    const host = await seatHolder(endpoints, DEMO_ROOM_ID, 0);
    check(
      `getRoom over HTTP returns the demo room ${DEMO_ROOM_ID}, open, its host on seat 0 (RTDB)`,
      demoRoom.status === 200 && found && host === "demo-host-luna",
      found ? `seat 0: ${host}` : `not found (is emulator-data's demo world loaded?): ${JSON.stringify(demoRoom)}`,
    );
    if (found) {
      const memberPath = `members/room_${DEMO_ROOM_ID}/${user.localId}`;
      const entered = await callOverHttp(endpoints, "enterRoom", { roomId: DEMO_ROOM_ID, visitId: `smoke-visit-${Date.now()}` }, user.idToken);
      const member = (await rtdbValue(endpoints, memberPath)) as { role?: string } | null;
      check(
        "enterRoom over HTTP admits the user (RTDB members/room_{id}/{uid})",
        entered.status === 200 && entered.result?.role === "member" && member?.role === "member",
        JSON.stringify({ entered, member }),
      );

      const seated = await callOverHttp(endpoints, "takeSeat", { roomId: DEMO_ROOM_ID }, user.idToken);
      const index = seated.result?.index;
      const holder = typeof index === "number" ? await seatHolder(endpoints, DEMO_ROOM_ID, index) : null;
      check(
        `takeSeat over HTTP: a free seat (${String(index)}) is the user's in RTDB rooms/{id}/seats`,
        seated.status === 200 && typeof index === "number" && index > 0 && holder === user.localId,
        JSON.stringify({ seated, holder }),
      );

      const left = await callOverHttp(endpoints, "leaveRoom", { roomId: DEMO_ROOM_ID }, user.idToken);
      const freed = typeof index === "number" ? await seatHolder(endpoints, DEMO_ROOM_ID, index) : "?";
      const stillMember = await rtdbValue(endpoints, memberPath);
      check(
        "leaveRoom over HTTP frees the seat and ends the membership (RTDB)",
        left.status === 200 && left.result?.seatsFreed === 1 && freed === null && stillMember === null,
        JSON.stringify({ left, seatHolder: freed, member: stillMember }),
      );
    }

    if (found) {
      // Greedy in the demo room: Mia (a demo viewer with coins) enters, starts the game if it is not running,
      // bets one chip in an open betting window, and the timers decide and settle the round.
      const mia = await signInWithPassword(endpoints.auth, "mia@demo.live", "demo-password");
      await callOverHttp(endpoints, "enterRoom", { roomId: DEMO_ROOM_ID, visitId: `smoke-greedy-${Date.now()}` }, mia.idToken);
      let bet: CallableReply | null = null;
      for (let attempt = 0; attempt < 40 && bet?.status !== 200; attempt++) {
        const round = (await callOverHttp(endpoints, "startGreedy", { roomId: DEMO_ROOM_ID }, mia.idToken)).result as
          | { roundId: string; phase: string; bettingEndsAt: number }
          | undefined;
        if (round?.phase === "betting" && round.bettingEndsAt - Date.now() > 1_500) {
          const request = { roomId: DEMO_ROOM_ID, roundId: round.roundId, itemId: "corn", chip: 10, requestId: `smoke-greedy-${Date.now()}` };
          bet = await callOverHttp(endpoints, "placeGreedyBet", request, mia.idToken);
        }
        if (bet?.status !== 200) await sleep(1_000);
      }
      const roundId = bet?.result?.roundId as string | undefined;
      check("Mia bets on Greedy in the demo room (placeGreedyBet over HTTP)", bet?.status === 200 && !!roundId, JSON.stringify(bet));
      let settled: FirebaseFirestore.DocumentData | undefined;
      for (let i = 0; i < 60 && roundId && !settled?.settlement; i++) {
        await sleep(500);
        settled = (await firestore.doc(`gameRounds/${roundId}`).get()).data();
      }
      const ledger = roundId ? await firestore.collection("ledger").where("meta.roundId", "==", roundId).get() : null;
      const escrow = (ledger?.docs ?? [])
        .flatMap((doc) => doc.get("entries") as { account: string; amount: number }[])
        .filter((entry) => entry.account === "system:game-escrow")
        .reduce((sum, entry) => sum + entry.amount, 0);
      check(
        "the round's timers decide it, reveal its seed and settle it: the round's escrow is emptied",
        !!settled?.settlement && typeof settled?.fairness?.serverSeed === "string" && escrow === 0,
        JSON.stringify({ phase: settled?.phase, settlement: settled?.settlement, escrow }),
      );
      await callOverHttp(endpoints, "leaveRoom", { roomId: DEMO_ROOM_ID }, mia.idToken);
    }

    // Notifications: the new user's phone registers its push token; Mia follows them; the pipeline puts the
    // notice in their inbox and pushes it to that token through the Admin SDK and the FCM stand-in.
    const pushToken = `smoke-token-${Date.now()}`;
    await callOverHttp(
      endpoints,
      "registerDevice",
      { deviceId: "smoke-phone", platform: "android", appVersion: "1.0.0", fcmToken: pushToken },
      user.idToken,
    );
    const follower = await signInWithPassword(endpoints.auth, "mia@demo.live", "demo-password");
    const followed = await callOverHttp(endpoints, "followUser", { uid: user.localId }, follower.idToken);
    let inbox: CallableReply | null = null;
    let pushed: { target?: { token?: string } }[] = [];
    for (let i = 0; i < 40; i++) {
      await sleep(500);
      inbox = await callOverHttp(endpoints, "listNotifications", {}, user.idToken);
      const sent = (await (await fetch(`http://${endpoints.fcm}/control/messages`)).json()) as { messages: { target?: { token?: string } }[] };
      pushed = sent.messages.filter((message) => message.target?.token === pushToken);
      const entries = (inbox.result?.items as { type?: string }[] | undefined) ?? [];
      if (entries.some((entry) => entry.type === "follow") && pushed.length > 0) break;
    }
    const entries = (inbox?.result?.items as { type?: string }[] | undefined) ?? [];
    check(
      "Mia follows the new user: the notice is in their inbox (listNotifications over HTTP) and pushed once to their phone's token (FCM stand-in)",
      followed.status === 200 && entries.filter((entry) => entry.type === "follow").length === 1 && pushed.length === 1,
      JSON.stringify({ followed: followed.status, inbox: inbox?.result ?? inbox?.error, pushed: pushed.length }),
    );

    // The social layer: Luna (followed by Mia in the demo world) posts for her followers; the post trigger
    // fans it out and Mia's following feed shows it over HTTP. Luna deletes it again.
    const luna = await signInWithPassword(endpoints.auth, "luna@demo.live", "demo-password");
    const posted = await callOverHttp(
      endpoints,
      "createPost",
      { text: "Smoke check: followers only #smoke", visibility: "followers", requestId: `smoke-post-${Date.now()}` },
      luna.idToken,
    );
    const postId = posted.result?.postId as string | undefined;
    let feed: CallableReply | null = null;
    for (let i = 0; i < 60 && postId; i++) {
      feed = await callOverHttp(endpoints, "getFollowingFeed", { limit: 5 }, follower.idToken);
      if (((feed.result?.items as { postId?: string }[] | undefined) ?? []).some((item) => item.postId === postId)) break;
      await sleep(500);
    }
    const inFeed = ((feed?.result?.items as { postId?: string }[] | undefined) ?? []).some((item) => item.postId === postId);
    check(
      "Luna posts for her followers: the post reaches Mia's following feed (getFollowingFeed over HTTP)",
      posted.status === 200 && inFeed,
      JSON.stringify({ posted: posted.result ?? posted.error, feed: feed?.result ?? feed?.error }),
    );
    if (postId) await callOverHttp(endpoints, "deletePost", { postId }, luna.idToken);

    const reconciliation = await callOverHttp(endpoints, "runReconciliation", null, adminUser.idToken);
    check(
      "the demo world's ledger reconciles (every wallet equals its entries, every currency sums to zero)",
      reconciliation.status === 200 && (reconciliation.result as { ok?: boolean } | undefined)?.ok === true,
      JSON.stringify(reconciliation),
    );
  } catch (err) {
    check("smoke run", false, String(err));
  } finally {
    await admin.close();
  }
  console.log(`\nsmoke: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
