/** Which golden trace files the main job replays, on which model and variant. */

/** Golden traces of one model: a folder of the golden directory, and a variant per file suffix. */
export interface GoldenSet {
  /** Registered model name. */
  model: string;
  /** Folder under the golden directory. */
  dir: string;
  /** A file ending in `suffix` replays on `variant`; other files are ignored. */
  files: readonly { suffix: string; variant: string }[];
}

/** The golden traces from the real kernel (golden/ in the package), as described in each README. */
export const goldenSets: readonly GoldenSet[] = [
  {
    model: "iova",
    dir: "iova",
    files: [
      { suffix: ".pre.jsonl", variant: "v5.17" },
      { suffix: ".post.jsonl", variant: "v5.18" },
    ],
  },
  {
    model: "swiotlb",
    dir: "swiotlb",
    files: [
      { suffix: ".buggy.jsonl", variant: "v6.8" },
      { suffix: ".fixed.jsonl", variant: "v6.9" },
    ],
  },
  {
    model: "swiotlb",
    dir: "swiotlb-lts",
    files: [
      { suffix: ".v6.1.jsonl", variant: "v6.1" },
      { suffix: ".v6.6.jsonl", variant: "v6.6" },
    ],
  },
  {
    model: "swiotlb",
    dir: "swiotlb-v7.1",
    files: [{ suffix: ".v7.1.jsonl", variant: "v7.1" }],
  },
  {
    model: "pagealloc",
    dir: "pagealloc",
    files: [
      { suffix: ".v6.6.jsonl", variant: "v6.6" },
      { suffix: ".v6.8.jsonl", variant: "v6.8" },
    ],
  },
];
