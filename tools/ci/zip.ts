// A deliberately small reader for the zip files GitHub serves as workflow artifacts, for
// artifacts made by untrusted pull-request code. Nothing is extracted to disk: entries come back
// as buffers, so a name such as `../../.bashrc` can never become a path. Everything a hostile
// archive could use is refused instead of handled: encryption, zip64, symlinks, duplicate names,
// sizes over the caps, data that inflates beyond its declared size or fails its CRC.
// Format: PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7 (local file header), 4.3.12 (central
// directory header) and 4.3.16 (end of central directory record).
import * as zlib from "node:zlib";

export class ArtifactError extends Error {}

export interface ZipLimits {
  /** Size of the archive itself. */
  maxArchiveBytes: number;
  maxEntries: number;
  /** Uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Uncompressed size of all entries together. */
  maxTotalBytes: number;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50 } as const;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Unix file type bits in the high half of the external attributes (APPNOTE 4.4.15, "version made by" 3 = UNIX). */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export function readZip(buf: Buffer, limits: ZipLimits): ZipEntry[] {
  if (buf.length > limits.maxArchiveBytes)
    throw new ArtifactError(`the archive is ${buf.length} bytes, over the cap of ${limits.maxArchiveBytes}`);
  const end = findEnd(buf);
  const disk = buf.readUInt16LE(end + 4);
  const cdDisk = buf.readUInt16LE(end + 6);
  const count = buf.readUInt16LE(end + 10);
  const cdSize = buf.readUInt32LE(end + 12);
  const cdOffset = buf.readUInt32LE(end + 16);
  if (disk !== 0 || cdDisk !== 0) throw new ArtifactError("multi-disk archives are not accepted");
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ArtifactError("zip64 archives are not accepted");
  if (count > limits.maxEntries) throw new ArtifactError(`the archive has ${count} entries, over the cap of ${limits.maxEntries}`);
  if (cdOffset + cdSize > end) throw new ArtifactError("the central directory lies outside the archive");

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    need(buf, p, 46);
    if (buf.readUInt32LE(p) !== SIG.central) throw new ArtifactError(`central directory entry ${i} has no valid signature`);
    const madeBy = buf.readUInt16LE(p + 4) >> 8;
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const localOffset = buf.readUInt32LE(p + 42);
    need(buf, p + 46, nameLength);
    const rawName = buf.subarray(p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;

    const name = rawName.toString("utf8");
    if (!/^[\x20-\x7e]+$/.test(name)) throw new ArtifactError(`entry ${i} has a name that is not printable ASCII`);
    if (flags & 0x1) throw new ArtifactError(`${name}: encrypted entries are not accepted`);
    if (madeBy === 3 && ((external >>> 16) & S_IFMT) === S_IFLNK) throw new ArtifactError(`${name}: symbolic links are not accepted`);
    if (names.has(name)) throw new ArtifactError(`${name}: appears twice in the archive`);
    names.add(name);
    if (name.endsWith("/")) {
      if (size !== 0) throw new ArtifactError(`${name}: a directory entry with content`);
      continue;
    }
    if (size > limits.maxEntryBytes)
      throw new ArtifactError(`${name}: ${size} bytes uncompressed, over the cap of ${limits.maxEntryBytes}`);
    total += size;
    if (total > limits.maxTotalBytes) throw new ArtifactError(`the entries add up to more than the cap of ${limits.maxTotalBytes} bytes`);

    need(buf, localOffset, 30);
    if (buf.readUInt32LE(localOffset) !== SIG.local) throw new ArtifactError(`${name}: no local header where the directory says`);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    need(buf, dataStart, compressed);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    let data: Buffer;
    if (method === 0) {
      data = Buffer.from(raw);
    } else if (method === 8) {
      try {
        // maxOutputLength: a bomb stops at its declared size instead of filling memory.
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
      } catch (e) {
        throw new ArtifactError(`${name}: does not inflate to its declared ${size} bytes (${(e as Error).message})`);
      }
    } else {
      throw new ArtifactError(`${name}: compression method ${method} is not accepted (only stored and deflate)`);
    }
    if (data.length !== size) throw new ArtifactError(`${name}: holds ${data.length} bytes, not the declared ${size}`);
    if (crc32(data) !== crc) throw new ArtifactError(`${name}: CRC mismatch`);
    entries.push({ name, data });
  }
  return entries;
}

function need(buf: Buffer, offset: number, length: number): void {
  if (offset < 0 || offset + length > buf.length) throw new ArtifactError("the archive is truncated or its offsets point outside it");
}

function findEnd(buf: Buffer): number {
  if (buf.length < EOCD_SIZE) throw new ArtifactError("not a zip archive (too short)");
  for (let p = buf.length - EOCD_SIZE; p >= Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT); p--) {
    if (buf.readUInt32LE(p) === SIG.end) return p;
  }
  throw new ArtifactError("not a zip archive (no end of central directory record)");
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as zip uses it (APPNOTE 4.4.7; polynomial 0xEDB88320). */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
