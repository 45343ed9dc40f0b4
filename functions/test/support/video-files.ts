/**
 * Small valid video containers built byte by byte (no encoder here): the boxes and elements that carry
 * duration and picture size, around a media-data payload of zeros. Enough for the finalize trigger's
 * container reader; no player would decode the pictures.
 */

const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

/** An ISO box: 32-bit size, type, payload. */
export const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, "latin1"), body]);
};
/** A full box: version and 24-bit flags before the payload. */
const fullBox = (type: string, version: number, ...payload: Buffer[]) => box(type, u8(version), Buffer.alloc(3), ...payload);

const IDENTITY = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
/** A quarter turn (what a phone writes for a portrait recording). */
const QUARTER_TURN = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000];

function mvhd(version: 0 | 1, timescale: number, duration: number): Buffer {
  const times = version === 1 ? [u64(0), u64(0), u32(timescale), u64(duration)] : [u32(0), u32(0), u32(timescale), u32(duration)];
  // rate, volume, reserved, matrix, pre_defined, next_track_ID
  return fullBox("mvhd", version, ...times, u32(0x10000), u16(0x100), Buffer.alloc(10), ...IDENTITY.map(i32), Buffer.alloc(24), u32(3));
}

function tkhd(version: 0 | 1, trackId: number, width: number, height: number, matrix: number[]): Buffer {
  const times = version === 1 ? [u64(0), u64(0), u32(trackId), u32(0), u64(0)] : [u32(0), u32(0), u32(trackId), u32(0), u32(0)];
  return fullBox(
    "tkhd",
    version,
    ...times,
    Buffer.alloc(8),
    u16(0),
    u16(0),
    u16(0),
    u16(0),
    ...matrix.map(i32),
    u32(width * 65536),
    u32(height * 65536),
  );
}

const hdlr = (handler: string) => fullBox("hdlr", 0, u32(0), Buffer.from(handler, "latin1"), Buffer.alloc(12), Buffer.from("handler\0"));
const trak = (version: 0 | 1, trackId: number, handler: string, width: number, height: number, matrix: number[]) =>
  box("trak", tkhd(version, trackId, width, height, matrix), box("mdia", hdlr(handler)));

export interface Mp4Options {
  brand?: "isom" | "qt  ";
  version?: 0 | 1;
  timescale?: number;
  /** In timescale units; 0 with fragmentDuration for a fragmented file. */
  duration: number;
  fragmentDuration?: number;
  width?: number;
  height?: number;
  portrait?: boolean;
  /** moov after mdat (a file not prepared for streaming), as phones often record. */
  moovLast?: boolean;
  mediaBytes?: number;
}

/** An MP4 (or QuickTime) file: ftyp, moov (mvhd, a sound track, then the video track), mdat. */
export function mp4(options: Mp4Options): Buffer {
  const { brand = "isom", version = 0, timescale = 1000, width = 1280, height = 720 } = options;
  const ftyp = box("ftyp", Buffer.from(brand, "latin1"), u32(0x200), Buffer.from(`${brand}mp41`, "latin1"));
  const moov = box(
    "moov",
    mvhd(version, timescale, options.duration),
    trak(version, 1, "soun", 0, 0, IDENTITY),
    trak(version, 2, "vide", width, height, options.portrait ? QUARTER_TURN : IDENTITY),
    ...(options.fragmentDuration
      ? [box("mvex", fullBox("mehd", version, version === 1 ? u64(options.fragmentDuration) : u32(options.fragmentDuration)))]
      : []),
  );
  const mdat = box("mdat", Buffer.alloc(options.mediaBytes ?? 2048));
  return Buffer.concat(options.moovLast ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}

// ---- EBML ----

/** An element id is written with its marker bits as given; the size as an 8-byte variable-length integer. */
function element(id: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, "0"), "hex");
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([idBytes, size, body]);
}
const uint = (id: number, n: number) => element(id, u32(n));
const text = (id: number, s: string) => element(id, Buffer.from(s, "latin1"));
const float64 = (id: number, n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n);
  return element(id, b);
};
const float32 = (id: number, n: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(n);
  return element(id, b);
};

export interface WebmOptions {
  docType?: string;
  /** Nanoseconds per tick; omitted means the default (1 ms). */
  timecodeScale?: number;
  /** In ticks; omitted for a file without Duration. */
  duration?: number;
  float32?: boolean;
  width?: number;
  height?: number;
  /** The Segment of unknown size a live writer leaves. */
  unknownSegmentSize?: boolean;
}

/** A WebM file: EBML header, Segment (SeekHead-like Void, Info, Tracks with an audio and a video track, one Cluster). */
export function webm(options: WebmOptions): Buffer {
  const { docType = "webm", width = 640, height = 360 } = options;
  const header = element(0x1a45dfa3, uint(0x4286, 1), text(0x4282, docType), uint(0x4287, 4), uint(0x4285, 2));
  const info = element(
    0x1549a966,
    ...(options.timecodeScale ? [uint(0x2ad7b1, options.timecodeScale)] : []),
    ...(options.duration === undefined ? [] : [options.float32 ? float32(0x4489, options.duration) : float64(0x4489, options.duration)]),
    text(0x4d80, "test-muxer"),
  );
  const tracks = element(
    0x1654ae6b,
    element(0xae, uint(0xd7, 1), uint(0x83, 2), text(0x86, "A_OPUS")),
    element(0xae, uint(0xd7, 2), uint(0x83, 1), text(0x86, "V_VP9"), element(0xe0, uint(0xb0, width), uint(0xba, height))),
  );
  const cluster = element(0x1f43b675, uint(0xe7, 0), element(0xa3, Buffer.alloc(512)));
  const body = Buffer.concat([element(0xec, Buffer.alloc(16)), info, tracks, cluster]);
  const segmentId = Buffer.from([0x18, 0x53, 0x80, 0x67]);
  const size = Buffer.alloc(8);
  if (options.unknownSegmentSize) size.fill(0xff, 1).writeUInt8(0x01, 0);
  else size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([header, segmentId, size, body]);
}
