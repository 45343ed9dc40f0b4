/**
 * Join tokens for the media server (LiveKit, an open-source SFU). The backend never carries audio or
 * video; it decides who may join which media room and with which rights, and signs that into a
 * short-lived token. The media room of a venue is its venue key (stream_{id} / room_{id}).
 * Publish rights only for those allowed on stage (the host, seated speakers, accepted guests);
 * everyone else who passed entry checks may only subscribe.
 */
import { defineInt, defineSecret, defineString } from "firebase-functions/params";
import { type Venue, venueKey } from "../venues/paths.js";

export const LIVEKIT_URL = defineString("LIVEKIT_URL", {
  default: "wss://media.example.invalid",
  description: "The LiveKit server clients connect to with the token",
});
export const LIVEKIT_API_KEY = defineString("LIVEKIT_API_KEY", { default: "devkey", description: "LiveKit API key (public id)" });
/** Declare in a function's `secrets` to use it there (defineCallable options.secrets). */
export const LIVEKIT_API_SECRET = defineSecret("LIVEKIT_API_SECRET");
export const MEDIA_TOKEN_TTL_SECONDS = defineInt("MEDIA_TOKEN_TTL_SECONDS", {
  default: 300,
  description: "Lifetime of a media join token; the session outlives it once joined",
});

export interface MediaTokenRequest {
  venue: Venue;
  uid: string;
  /** Publish audio/video (host, seated speaker, guest); false: subscribe only. */
  canPublish: boolean;
  displayName?: string;
  /** Small JSON-able facts other participants may see (VIP tier, role); kept under 1 KB. */
  metadata?: Record<string, unknown>;
}

export interface MediaToken {
  /** wss:// URL of the media server. */
  url: string;
  /** Media room name (the venue key). */
  room: string;
  token: string;
  canPublish: boolean;
  /** Epoch ms after which the token can no longer be used to join. */
  expiresAt: number;
}

export async function mintMediaToken(request: MediaTokenRequest): Promise<MediaToken> {
  // Loaded on first use: only the callables that hand out tokens pay for the SDK.
  const { AccessToken } = require("livekit-server-sdk") as typeof import("livekit-server-sdk");
  const ttlSeconds = MEDIA_TOKEN_TTL_SECONDS.value();
  const room = venueKey(request.venue);
  const token = new AccessToken(LIVEKIT_API_KEY.value(), LIVEKIT_API_SECRET.value(), {
    identity: request.uid,
    name: request.displayName,
    metadata: request.metadata ? JSON.stringify(request.metadata) : undefined,
    ttl: ttlSeconds,
  });
  token.addGrant({
    room,
    roomJoin: true,
    canSubscribe: true,
    canPublish: request.canPublish,
    // Reactions and data messages stay on the RTDB paths (rules-checked), not the media data channel.
    canPublishData: false,
  });
  return { url: LIVEKIT_URL.value(), room, token: await token.toJwt(), canPublish: request.canPublish, expiresAt: Date.now() + ttlSeconds * 1000 };
}
