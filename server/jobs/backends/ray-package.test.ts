// Packing a working_dir for Ray: the zip is read back by Python's zipfile (what Ray unpacks with).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { workerPython } from "@/server/worker/interpreter";
import { packDirectory } from "./ray-package";

const python = existsSync(workerPython()) ? workerPython() : "python3";

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ray-pkg-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe("packing a working_dir for Ray", () => {
  it("zips the contents without a top folder, leaving out excluded names and symlinks", async () => {
    const dir = await tree({
      "train.py": "print('hi')\n",
      "data/train.jsonl": '{"messages": []}\n'.repeat(100),
      "data/ünïcode name.txt": "ok",
      ".git/HEAD": "ref",
      "pkg/__pycache__/x.pyc": "junk",
    });
    await symlink("/etc/passwd", path.join(dir, "link"));
    const { name, bytes } = await packDirectory(dir);
    expect(name).toMatch(/^_ray_pkg_[0-9a-f]{32}\.zip$/);
    const zipPath = path.join(dir, "package.zip");
    await writeFile(zipPath, bytes);
    const read = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))`;
    const contents = JSON.parse(execFileSync(python, ["-c", read, zipPath], { encoding: "utf8" }));
    expect(Object.keys(contents).sort()).toEqual(["data/train.jsonl", "data/ünïcode name.txt", "train.py"]);
    expect(contents["train.py"]).toBe("print('hi')\n");
    expect(contents["data/train.jsonl"]).toHaveLength(1700);
  });

  it("names a package by its contents", async () => {
    const a = await packDirectory(await tree({ "a.py": "1", "b/c.txt": "2" }));
    const same = await packDirectory(await tree({ "a.py": "1", "b/c.txt": "2" }));
    const changed = await packDirectory(await tree({ "a.py": "1", "b/c.txt": "3" }));
    expect(same.name).toBe(a.name);
    expect(same.bytes.equals(a.bytes)).toBe(true);
    expect(changed.name).not.toBe(a.name);
    await expect(packDirectory("/no/such/dir")).rejects.toThrow(/is not a directory/);
  });
});
