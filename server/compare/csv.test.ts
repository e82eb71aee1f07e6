import { describe, expect, it } from "vitest";
import { csvField, recordColumns, toCsv } from "./csv";

describe("csv", () => {
  it("quotes only fields that need it and doubles quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("writes numbers without float noise and empties for missing values", () => {
    expect(csvField(0.1 + 0.2)).toBe("0.3");
    expect(csvField(2 / 3)).toBe("0.666666666667");
    expect(csvField(42)).toBe("42");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(true)).toBe("true");
  });

  it("writes a header and one CRLF-terminated line per row", () => {
    const rows = [
      { run: "A", accuracy: 0.5 },
      { run: "b,c", accuracy: null },
    ];
    expect(toCsv(rows, recordColumns(["run", "accuracy"]))).toBe('run,accuracy\r\nA,0.5\r\n"b,c",\r\n');
    expect(toCsv([], [{ header: "x", value: () => 1 }])).toBe("x\r\n");
  });
});
