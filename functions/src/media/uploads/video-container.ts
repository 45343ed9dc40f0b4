/**
 * Duration and picture size of an uploaded video, read from its container (no ffprobe in the functions):
 *   MP4 / QuickTime: moov/mvhd (timescale, duration; moov/mvex/mehd for a fragmented file whose mvhd
 *   says 0) and the tkhd of the track whose mdia/hdlr is "vide" (width/height, 16.16 fixed point,
 *   swapped when its matrix turns the picture a quarter).
 *   WebM / Matroska: Segment/Info TimecodeScale and Duration (a float), Segment/Tracks/TrackEntry of
 *   TrackType 1 → Video PixelWidth/PixelHeight.
 * The file is read through ranges (a video may be large and its moov at the end), skipping media data.
 * Anything not understood gives null: the caller rejects the upload.
 */

/** Reads [start, end) of the file; returns fewer bytes only at its end. */
export interface ByteSource {
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface VideoMetadata {
  durationMs: number;
  width: number | null;
  height: number | null;
}

/** Bounds on what a hostile file can make us read. */
const MAX_TOP_LEVEL_ELEMENTS = 64;
const MAX_HEADER_BYTES = 32 * 1024 * 1024;

export function inMemorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(start, Math.min(end, bytes.length)) };
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const fourcc = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

// ---- ISO base media (MP4, QuickTime) ----

interface Box {
  type: string;
  /** Offsets of the box's payload in the buffer (after the header). */
  start: number;
  end: number;
}

/** The boxes laid end to end in bytes[from, to); null when one overruns its parent. */
function boxesIn(bytes: Uint8Array, from: number, to: number): Box[] | null {
  const boxes: Box[] = [];
  const data = view(bytes);
  for (let at = from; at + 8 <= to; ) {
    let size = data.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return null;
      size = Number(data.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return null;
    boxes.push({ type: fourcc(bytes, at + 4), start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

const child = (bytes: Uint8Array, parent: Box, type: string) => boxesIn(bytes, parent.start, parent.end)?.find((b) => b.type === type);

/** The moov box's bytes, found by walking the top-level boxes with ranged reads (mdat is skipped, not read). */
async function readMoov(source: ByteSource): Promise<Uint8Array | null> {
  let at = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_ELEMENTS && at + 8 <= source.size; n++) {
    const header = await source.read(at, at + 16);
    if (header.length < 8) return null;
    let size = view(header).getUint32(0);
    if (size === 1) {
      if (header.length < 16) return null;
      size = Number(view(header).getBigUint64(8));
    } else if (size === 0) {
      size = source.size - at;
    }
    if (size < 8 || at + size > source.size) return null;
    if (fourcc(header, 4) === "moov") {
      if (size > MAX_HEADER_BYTES) return null;
      const moov = await source.read(at, at + size);
      return moov.length === size ? moov : null;
    }
    at += size;
  }
  return null;
}

/** [timescale, duration] of an mvhd payload (version 0: 32-bit times, version 1: 64-bit). */
function movieHeader(bytes: Uint8Array, box: Box): { timescale: number; duration: number } | null {
  const data = view(bytes);
  const version = bytes[box.start];
  const need = version === 1 ? 32 : 20;
  if (box.end - box.start < need) return null;
  if (version === 1) return { timescale: data.getUint32(box.start + 20), duration: Number(data.getBigUint64(box.start + 24)) };
  if (version === 0) return { timescale: data.getUint32(box.start + 12), duration: data.getUint32(box.start + 16) };
  return null;
}

/** mvex/mehd fragment_duration (in the movie's timescale), for fragmented files. */
function fragmentDuration(bytes: Uint8Array, moov: Box): number {
  const mvex = child(bytes, moov, "mvex");
  const mehd = mvex && child(bytes, mvex, "mehd");
  if (!mehd) return 0;
  const data = view(bytes);
  if (bytes[mehd.start] === 1 && mehd.end - mehd.start >= 12) return Number(data.getBigUint64(mehd.start + 4));
  if (bytes[mehd.start] === 0 && mehd.end - mehd.start >= 8) return data.getUint32(mehd.start + 4);
  return 0;
}

/** Width and height of a video track's tkhd as shown (after a quarter-turn matrix), in whole pixels. */
function trackSize(bytes: Uint8Array, tkhd: Box): { width: number; height: number } | null {
  const data = view(bytes);
  // version/flags, then times and ids (20 bytes in version 0, 32 in 1), 8 reserved, layer, group, volume, 2 reserved.
  const matrixAt = tkhd.start + 4 + (bytes[tkhd.start] === 1 ? 32 : 20) + 16;
  if (matrixAt + 44 > tkhd.end) return null;
  const width = Math.round(data.getUint32(matrixAt + 36) / 65536);
  const height = Math.round(data.getUint32(matrixAt + 40) / 65536);
  const [a, d] = [data.getInt32(matrixAt), data.getInt32(matrixAt + 16)];
  return a === 0 && d === 0 ? { width: height, height: width } : { width, height };
}

function videoTrackSize(bytes: Uint8Array, moov: Box): { width: number; height: number } | null {
  for (const trak of boxesIn(bytes, moov.start, moov.end)?.filter((b) => b.type === "trak") ?? []) {
    const mdia = child(bytes, trak, "mdia");
    const hdlr = mdia && child(bytes, mdia, "hdlr");
    // hdlr: version/flags, pre_defined (QuickTime: component type), then the handler type.
    if (!hdlr || hdlr.end - hdlr.start < 12 || fourcc(bytes, hdlr.start + 8) !== "vide") continue;
    const tkhd = child(bytes, trak, "tkhd");
    return tkhd ? trackSize(bytes, tkhd) : null;
  }
  return null;
}

export async function readIsoMediaMetadata(source: ByteSource): Promise<VideoMetadata | null> {
  const bytes = await readMoov(source);
  if (!bytes) return null;
  const moov: Box = { type: "moov", start: 8, end: bytes.length };
  if (view(bytes).getUint32(0) === 1) moov.start = 16;
  const mvhd = child(bytes, moov, "mvhd");
  const header = mvhd && movieHeader(bytes, mvhd);
  if (!header || header.timescale === 0) return null;
  const duration = header.duration || fragmentDuration(bytes, moov);
  // All ones means "unknown" in both versions.
  if (duration === 0 || duration === 0xffffffff || duration >= Number.MAX_SAFE_INTEGER) return null;
  const size = videoTrackSize(bytes, moov);
  return { durationMs: Math.round((duration * 1000) / header.timescale), width: size?.width ?? null, height: size?.height ?? null };
}

// ---- EBML (WebM, Matroska) ----

const EBML_HEADER = 0x1a45dfa3;
const DOC_TYPE = 0x4282;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
const VIDEO = 0xe0;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const CLUSTER = 0x1f43b675;
const VIDEO_TRACK = 1;

interface Element {
  id: number;
  /** Payload offsets; `end` is null for an element of unknown size (a live-written Segment). */
  start: number;
  end: number | null;
}

/** A variable-length integer at `at`: its length and value (`keepMarker` for element ids). */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { length: number; value: number; allOnes: boolean } | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i] as number;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { length, value, allOnes: !keepMarker && allOnes };
}

/** The element header at `at` (its payload's offsets relative to the same buffer), or null. */
function elementAt(bytes: Uint8Array, at: number): Element | null {
  const id = vint(bytes, at, true);
  const size = id && vint(bytes, at + id.length, false);
  if (!id || !size || id.length > 4) return null;
  const start = at + id.length + size.length;
  return { id: id.value, start, end: size.allOnes ? null : start + size.value };
}

/** The elements laid end to end in bytes[from, to); null when one overruns or has no size. */
function elementsIn(bytes: Uint8Array, from: number, to: number): Element[] | null {
  const elements: Element[] = [];
  for (let at = from; at < to; ) {
    const element = elementAt(bytes, at);
    if (!element || element.end === null || element.end > to) return null;
    elements.push(element);
    at = element.end;
  }
  return elements;
}

function unsigned(bytes: Uint8Array, element: Element): number {
  let value = 0;
  for (let i = element.start; i < (element.end as number); i++) value = value * 256 + (bytes[i] as number);
  return value;
}

function float(bytes: Uint8Array, element: Element): number | null {
  const length = (element.end as number) - element.start;
  if (length === 4) return view(bytes).getFloat32(element.start);
  if (length === 8) return view(bytes).getFloat64(element.start);
  return null;
}

function videoSize(bytes: Uint8Array, tracks: Element): { width: number; height: number } | null {
  for (const entry of elementsIn(bytes, tracks.start, tracks.end as number) ?? []) {
    if (entry.id !== TRACK_ENTRY) continue;
    const fields = elementsIn(bytes, entry.start, entry.end as number) ?? [];
    const type = fields.find((f) => f.id === TRACK_TYPE);
    const video = fields.find((f) => f.id === VIDEO);
    if (!type || unsigned(bytes, type) !== VIDEO_TRACK || !video) continue;
    const settings = elementsIn(bytes, video.start, video.end as number) ?? [];
    const width = settings.find((f) => f.id === PIXEL_WIDTH);
    const height = settings.find((f) => f.id === PIXEL_HEIGHT);
    return width && height ? { width: unsigned(bytes, width), height: unsigned(bytes, height) } : null;
  }
  return null;
}

/** Reads one whole element (header at `at`) from the source; null when it is too large or truncated. */
async function readElement(source: ByteSource, at: number): Promise<{ bytes: Uint8Array; element: Element } | null> {
  const head = await source.read(at, at + 12);
  const element = elementAt(head, 0);
  if (!element) return null;
  if (element.end === null) return { bytes: head, element };
  if (element.end > MAX_HEADER_BYTES || at + element.end > source.size) return null;
  const bytes = element.end <= head.length ? head.subarray(0, element.end) : await source.read(at, at + element.end);
  return bytes.length === element.end ? { bytes, element } : null;
}

export async function readMatroskaMetadata(source: ByteSource): Promise<VideoMetadata | null> {
  const header = await readElement(source, 0);
  if (!header || header.element.id !== EBML_HEADER || header.element.end === null) return null;
  const docType = elementsIn(header.bytes, header.element.start, header.element.end)?.find((e) => e.id === DOC_TYPE);
  const docTypeName = docType ? Buffer.from(header.bytes.subarray(docType.start, docType.end as number)).toString("latin1") : "";
  if (docTypeName !== "webm" && docTypeName !== "matroska") return null;

  const segmentHead = await source.read(header.element.end, header.element.end + 12);
  const segment = elementAt(segmentHead, 0);
  if (!segment || segment.id !== SEGMENT) return null;
  const segmentEnd = segment.end === null ? source.size : Math.min(source.size, header.element.end + segment.end);

  // Info and Tracks precede the clusters (the media data): stop at the first cluster.
  let info: Uint8Array | null = null;
  let size: { width: number; height: number } | null = null;
  let at = header.element.end + segment.start;
  for (let n = 0; n < MAX_TOP_LEVEL_ELEMENTS && at < segmentEnd && !(info && size); n++) {
    const head = await source.read(at, at + 12);
    const element = elementAt(head, 0);
    if (!element || element.end === null || element.id === CLUSTER) break;
    if (element.id === INFO || element.id === TRACKS) {
      const whole = await readElement(source, at);
      if (!whole) return null;
      if (element.id === INFO) info = whole.bytes;
      else size = videoSize(whole.bytes, whole.element);
    }
    at += element.end;
  }
  if (!info) return null;
  const infoElement = elementAt(info, 0) as Element;
  const fields = elementsIn(info, infoElement.start, infoElement.end as number) ?? [];
  const scale = fields.find((f) => f.id === TIMECODE_SCALE);
  const durationElement = fields.find((f) => f.id === DURATION);
  const nanosPerTick = scale ? unsigned(info, scale) : 1_000_000;
  const duration = durationElement ? float(info, durationElement) : null;
  if (!duration || !Number.isFinite(duration) || duration <= 0 || nanosPerTick <= 0) return null;
  return { durationMs: Math.round((duration * nanosPerTick) / 1_000_000), width: size?.width ?? null, height: size?.height ?? null };
}

export function readVideoMetadata(source: ByteSource, contentType: string): Promise<VideoMetadata | null> {
  return contentType === "video/webm" ? readMatroskaMetadata(source) : readIsoMediaMetadata(source);
}
