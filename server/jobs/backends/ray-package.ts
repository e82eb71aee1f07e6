// Packs a local directory the way Ray's job SDK does for `working_dir`: a zip of the directory's
// contents (no top-level folder), named `_ray_pkg_<content hash>.zip`, to upload into the
// cluster's GCS (PUT /api/packages/gcs/NAME) so a remote cluster runs this machine's code and data.
import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { JobBackendError } from "./types";

/** Never shipped: VCS data, dependency trees, caches. */
export const DEFAULT_EXCLUDES = [".git", "node_modules", ".venv", "__pycache__", ".next", ".pytest_cache"];

/** Ray's limit is the gRPC message size (512 MiB); far below it, uploads are already slow. */
const MAX_PACKAGE_BYTES = 256 * 1024 * 1024;

type Entry = { name: string; data: Buffer };

async function collect(root: string, relative: string, excludes: Set<string>, out: Entry[]): Promise<void> {
  const names = (await readdir(path.join(root, relative))).sort();
  for (const name of names) {
    if (excludes.has(name)) continue;
    const rel = relative ? `${relative}/${name}` : name;
    const info = await lstat(path.join(root, rel));
    if (info.isDirectory()) await collect(root, rel, excludes, out);
    else if (info.isFile()) out.push({ name: rel, data: await readFile(path.join(root, rel)) });
    // Symlinks and special files are left out, as links could point anywhere on this machine.
  }
}

/** A zip archive (deflate, fixed timestamps so equal contents give equal bytes). */
export function zip(entries: Entry[]): Buffer {
  if (entries.length >= 0xffff) throw new JobBackendError("too many files to pack for Ray (65,535 at most)");
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(0, 10); // time 00:00
    header.writeUInt16LE(0x21, 12); // date 1980-01-01
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    local.push(header, nameBytes, packed);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    header.copy(record, 6, 4, 28); // version needed .. name length: same as the local header
    record.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    record.writeUInt32LE(offset, 42);
    central.push(record, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

/** The package for `dir`: its GCS name (from a hash of paths and contents) and zip bytes. */
export async function packDirectory(dir: string, excludes: string[] = DEFAULT_EXCLUDES): Promise<{ name: string; bytes: Buffer }> {
  const isDir = await lstat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new JobBackendError(`the working directory to upload to Ray, ${dir}, is not a directory`);
  const entries: Entry[] = [];
  await collect(dir, "", new Set(excludes), entries);
  const bytes = zip(entries);
  if (bytes.length > MAX_PACKAGE_BYTES) {
    throw new JobBackendError(
      `${dir} packs to ${Math.round(bytes.length / 2 ** 20)} MiB, more than Ray should take (256 MiB); exclude large files`,
    );
  }
  const hash = createHash("sha256");
  for (const { name, data } of entries) hash.update(name).update("\0").update(createHash("sha256").update(data).digest());
  return { name: `_ray_pkg_${hash.digest("hex").slice(0, 32)}.zip`, bytes };
}
