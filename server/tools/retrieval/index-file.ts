// On-disk form of a BM25 index: built once per corpus, loaded in milliseconds afterwards.
// Layout: "DSTBM25\n" | u32 header length | header JSON | terms ("\n"-joined UTF-8) | pad to 4 |
// offsets u32[] | postingDocs u32[] | docLengths u32[] | postingTfs u16[] (little-endian).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Bm25Index } from "./bm25";
import { TOKENIZER_VERSION } from "./tokenize";

const MAGIC = Buffer.from("DSTBM25\n", "latin1");
/** Bump when the layout changes; the tokenizer has its own version. */
export const INDEX_FORMAT_VERSION = 1;

type Header = {
  format: number;
  tokenizer: number;
  corpusHash: string;
  nDocs: number;
  nTerms: number;
  nPostings: number;
  termsBytes: number;
};

export function saveIndex(path: string, index: Bm25Index, corpusHash: string): void {
  const { terms, offsets, postingDocs, postingTfs, docLengths } = index.arrays;
  const termsBytes = Buffer.from(terms.join("\n"), "utf8");
  const header: Header = {
    format: INDEX_FORMAT_VERSION,
    tokenizer: TOKENIZER_VERSION,
    corpusHash,
    nDocs: docLengths.length,
    nTerms: terms.length,
    nPostings: postingDocs.length,
    termsBytes: termsBytes.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(headerBytes.length);
  const used = MAGIC.length + 4 + headerBytes.length + termsBytes.length;
  const padding = Buffer.alloc((4 - (used % 4)) % 4);
  const parts = [MAGIC, headerLength, headerBytes, termsBytes, padding, offsets, postingDocs, docLengths, postingTfs];
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  renameSync(tmp, path);
}

/**
 * Loads an index saved by saveIndex, or returns undefined when the file is missing, damaged,
 * or was built from another corpus or by another tokenizer/format (the caller rebuilds it).
 */
export function loadIndex(path: string, corpusHash: string): Bm25Index | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  try {
    if (!file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const headerLength = file.readUInt32LE(MAGIC.length);
    let at = MAGIC.length + 4;
    const header = JSON.parse(file.toString("utf8", at, at + headerLength)) as Header;
    at += headerLength;
    if (header.format !== INDEX_FORMAT_VERSION || header.tokenizer !== TOKENIZER_VERSION) return undefined;
    if (header.corpusHash !== corpusHash) return undefined;
    const termsText = file.toString("utf8", at, at + header.termsBytes);
    at += header.termsBytes;
    at += (4 - (at % 4)) % 4;
    const expected = at + 4 * (header.nTerms + 1 + header.nPostings + header.nDocs) + 2 * header.nPostings;
    if (file.length !== expected) return undefined;
    // Copy into a fresh ArrayBuffer: typed-array views need aligned offsets.
    const body = new Uint8Array(file.length - at);
    body.set(file.subarray(at));
    let offset = 0;
    const take = <T>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, n: number, size: number): T => {
      const view = make(body.buffer, offset, n);
      offset += n * size;
      return view;
    };
    const u32 = (b: ArrayBuffer, o: number, n: number) => new Uint32Array(b, o, n);
    const offsets = take(u32, header.nTerms + 1, 4);
    const postingDocs = take(u32, header.nPostings, 4);
    const docLengths = take(u32, header.nDocs, 4);
    const postingTfs = take((b, o, n) => new Uint16Array(b, o, n), header.nPostings, 2);
    const terms = header.nTerms === 0 ? [] : termsText.split("\n");
    if (terms.length !== header.nTerms) return undefined;
    return new Bm25Index({ terms, offsets, postingDocs, postingTfs, docLengths });
  } catch {
    return undefined;
  }
}
