/**
 * The kernel messages a swiotlb map can print (kernel/dma/swiotlb.c v6.1-v7.1), as result values.
 * Only their kind goes into a golden trace (`"warn":["full"]`); the text is for people.
 */

/**
 * `full`: no slots found; `invalid-sizes`: mapping_size > alloc_size; `overflow`: device limit;
 * `other`: v6.10's "Alloc alignment may prevent..." (the golden traces' name for it).
 */
export type SwiotlbWarningKind = "full" | "invalid-sizes" | "overflow" | "other";

/** One kernel warning, with the text the kernel prints. */
export interface SwiotlbWarning {
  kind: SwiotlbWarningKind;
  message: string;
}

/** An unsigned long held as a signed double (negative = wrapped), printed as %lu. */
function ulong(value: number): string {
  return value < 0 ? (BigInt(value) + 2n ** 64n).toString() : String(value);
}

/** dev_warn_ratelimited() in swiotlb_tbl_map_single() when swiotlb_find_slots() fails. */
export function bufferFull(allocSize: number, nslabs: number, used: number): SwiotlbWarning {
  return {
    kind: "full",
    message: `swiotlb buffer is full (sz: ${allocSize} bytes), total ${nslabs} (slots), used ${ulong(used)} (slots)`,
  };
}

/** dev_warn_once() in swiotlb_tbl_map_single() when the caller's sizes contradict each other. */
export function invalidSizes(mappingSize: number, allocSize: number): SwiotlbWarning {
  return {
    kind: "invalid-sizes",
    message: `Invalid sizes (mapping: ${mappingSize} bytes, alloc: ${allocSize} bytes)`,
  };
}

/** dev_WARN_ONCE() in swiotlb_map() when the bounce buffer ends above the device's limit. */
export function addressOverflow(dmaAddr: number, size: number, limit: number): SwiotlbWarning {
  const hex = (x: number) => `0x${x.toString(16).padStart(16, "0")}`;
  return {
    kind: "overflow",
    message: `swiotlb addr ${hex(dmaAddr)}+${size} overflow (mask ${limit.toString(16)}, bus limit 0).`,
  };
}

/**
 * dev_WARN_ONCE() in swiotlb_tbl_map_single() (v6.10 on) when alloc_align_mask > ~PAGE_MASK: by
 * design, an advice to the driver, printed whether or not the map succeeds.
 */
export function alignmentWarning(): SwiotlbWarning {
  return {
    kind: "other",
    message: "Alloc alignment may prevent fulfilling requests with max mapping_size",
  };
}
