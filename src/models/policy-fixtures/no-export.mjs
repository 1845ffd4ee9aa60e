// Exports nothing dmafuzz can use.
export const name = "nothing";
