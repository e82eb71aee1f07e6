// What a generated benchmark records about how it was made (benchmarks.metadata.generated), read
// by the generator (server/benchmarks/generate.ts), the CLI and the benchmark page.

export type GeneratedBy = {
  /** The suite with every option spelled out: `arith_large:max_digits=9,…`. */
  spec: string;
  suite: string;
  config: Record<string, unknown>;
  library: string;
  version: string;
  /** Question i was drawn from seed + i. */
  seed: number;
};

export function generatedBy(metadata: Record<string, unknown>): GeneratedBy | null {
  return (metadata.generated as GeneratedBy | undefined) ?? null;
}

/** "arith_large:…, reasoning-gym 0.1.25, seed 1000" */
export function describeGenerated(g: GeneratedBy): string {
  return `${g.spec}, ${g.library} ${g.version}, seed ${g.seed}`;
}
