import assert from "node:assert/strict";
import { type ByteSource, inMemorySource, readVideoMetadata } from "../../src/media/uploads/video-container.js";
import { box, mp4, webm } from "../support/video-files.js";

const truncated = (bytes: Buffer) => bytes.subarray(0, bytes.length - 10);
const read = (bytes: Buffer, contentType = "video/mp4") => readVideoMetadata(inMemorySource(bytes), contentType);

describe("media uploads: video duration and size from the container (unit)", () => {
  it("MP4 version 0 and 1 mvhd: duration from timescale, size from the video track's tkhd", async () => {
    assert.deepEqual(await read(mp4({ timescale: 600, duration: 600 * 12 + 300 })), { durationMs: 12_500, width: 1280, height: 720 });
    assert.deepEqual(await read(mp4({ version: 1, timescale: 90_000, duration: 90_000 * 61, width: 1920, height: 1080 })), {
      durationMs: 61_000,
      width: 1920,
      height: 1080,
    });
  });

  it("a portrait recording (quarter-turn matrix) reports the picture as shown; moov after mdat is found", async () => {
    assert.deepEqual(await read(mp4({ duration: 4_000, width: 1920, height: 1080, portrait: true, moovLast: true, mediaBytes: 50_000 })), {
      durationMs: 4_000,
      width: 1080,
      height: 1920,
    });
  });

  it("QuickTime files and fragmented MP4s (duration in mvex/mehd) are read the same way", async () => {
    assert.deepEqual(await read(mp4({ brand: "qt  ", duration: 2_500 }), "video/quicktime"), { durationMs: 2_500, width: 1280, height: 720 });
    assert.equal((await read(mp4({ duration: 0, fragmentDuration: 7_000 })))?.durationMs, 7_000);
    assert.equal((await read(mp4({ version: 1, duration: 0, fragmentDuration: 8_000 })))?.durationMs, 8_000);
  });

  it("reads the moov through ranges, never the media data", async () => {
    const file = mp4({ duration: 1_000, moovLast: true, mediaBytes: 5_000_000 });
    let bytesRead = 0;
    const source: ByteSource = {
      size: file.length,
      read: async (start, end) => {
        bytesRead += Math.min(end, file.length) - start;
        return file.subarray(start, end);
      },
    };
    assert.equal((await readVideoMetadata(source, "video/mp4"))?.durationMs, 1_000);
    assert.ok(bytesRead < 2_000, `read ${bytesRead} bytes`);
  });

  it("WebM and Matroska: TimecodeScale × Duration (64- or 32-bit float), PixelWidth/PixelHeight of the video track", async () => {
    assert.deepEqual(await read(webm({ duration: 15_250.0 }), "video/webm"), { durationMs: 15_250, width: 640, height: 360 });
    assert.deepEqual(await read(webm({ timecodeScale: 100_000, duration: 42_000, float32: true, width: 720, height: 1280 }), "video/webm"), {
      durationMs: 4_200,
      width: 720,
      height: 1280,
    });
    assert.equal((await read(webm({ docType: "matroska", duration: 900, unknownSegmentSize: true }), "video/webm"))?.durationMs, 900);
  });

  it("anything not understood is null: no moov, no mvhd, a zero timescale, truncated boxes, no Duration, another DocType", async () => {
    const ftyp = box("ftyp", Buffer.from("isom"), Buffer.alloc(4));
    const cases: [string, Buffer, string][] = [
      ["signature only", Buffer.concat([ftyp, Buffer.alloc(4000)]), "video/mp4"],
      ["no moov", Buffer.concat([ftyp, box("mdat", Buffer.alloc(100))]), "video/mp4"],
      ["moov without mvhd", Buffer.concat([ftyp, box("moov", box("free"))]), "video/mp4"],
      ["zero timescale", mp4({ timescale: 0, duration: 10 }), "video/mp4"],
      ["zero duration, no mehd", mp4({ duration: 0 }), "video/mp4"],
      ["unknown duration", mp4({ duration: 0xffffffff }), "video/mp4"],
      ["moov cut short", truncated(mp4({ duration: 1000, moovLast: true })), "video/mp4"],
      ["WebM without Duration", webm({}), "video/webm"],
      ["WebM of another DocType", webm({ docType: "mkvjunk", duration: 10 }), "video/webm"],
      ["WebM cut in its header", webm({ duration: 10 }).subarray(0, 60), "video/webm"],
      ["EBML magic then garbage", Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(100)]), "video/webm"],
    ];
    for (const [name, bytes, contentType] of cases) assert.equal(await read(bytes, contentType), null, name);
  });
});
