import { describe, expect, it } from "vitest";
import { parseJsonl } from "../../sim/jsonl.js";
import { decodeSwiotlbOp, encodeSwiotlbOp } from "./ops.js";

function decode(line: string) {
  const [record] = parseJsonl(line, "t.jsonl");
  if (!record) throw new Error("no record");
  return decodeSwiotlbOp(record);
}

describe("swiotlb trace codec", () => {
  it("decodes the golden fields, fills optional ones with 0 and leaves them out again", () => {
    const line =
      '{"op":"map","orig":4096,"size":100,"alloc_size":100,"alloc_align_mask":0,"min_align_mask":4095,"cpu":3}';
    const op = decode(line);
    expect(op).toEqual({
      op: "map",
      orig: 4096,
      size: 100,
      alloc_size: 100,
      alloc_align_mask: 0,
      min_align_mask: 4095,
      cpu: 3,
      seg_boundary_mask: 0,
      attrs: 0,
      dma_limit: 0,
      io_path: 0,
    });
    expect(encodeSwiotlbOp(op)).toEqual(JSON.parse(line));
    expect(decode('{"op":"init","nslabs":1024,"nareas":2,"start":4096}')).toMatchObject({
      page_size: 4096,
    });
  });

  it.each([
    ['{"op":"init","nslabs":1000,"nareas":1,"start":0}', 'field "nslabs": expected a multiple'],
    ['{"op":"init","nslabs":1024,"nareas":3,"start":0}', 'field "nareas": expected a power of two'],
    ['{"op":"init","nslabs":1024,"nareas":1,"start":2048}', 'field "start": expected a multiple'],
    [
      '{"op":"map","orig":1,"size":1,"alloc_size":1,"alloc_align_mask":0,"min_align_mask":0,"cpu":0,"seg_boundary_mask":4096}',
      'field "seg_boundary_mask": expected 0 or 2^k - 1',
    ],
    ['{"op":"unmap","tlb":0,"size":1,"min_align_mask":0}', 'missing field "ref"'],
    ['{"op":"alloc","size":0,"min_align_mask":0,"cpu":0}', 'field "size": expected an integer'],
    ['{"op":"sync"}', 'missing field "ref"'],
    ['{"op":"bounce"}', 'field "op": expected one of'],
    ['{"op":"init","nslabs":1024,"nareas":1,"start":0,"kind":"private"}', 'field "kind"'],
    ['{"op":"init","nslabs":1024,"nareas":1,"start":0,"layout":"vax"}', 'field "layout"'],
  ])("rejects %s naming file and line", (line, reason) => {
    expect(() => decode(line)).toThrow(`t.jsonl:1: ${reason}`);
  });
});
