/** A command-line mistake: printed as is, exit code 2. */
export class UsageError extends Error {}
export const usage = (text: string): UsageError => new UsageError(`usage: silkgate ${text}`);
