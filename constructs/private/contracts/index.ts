/**
 * The contracts between the constructs and their custom-resource handlers: one module per handler,
 * with the resource type, the properties the construct writes (and the handler reads), and the
 * attributes the handler returns. Both sides import them, so a renamed or misspelt member fails
 * `tsc` on both. Pure TypeScript with no imports: the handler bundle and the jsii build both take them.
 */

/** How a handler sees the properties a construct wrote: every member may be missing or of any type. */
export type Wire<T> = { readonly [K in keyof T]?: unknown };
