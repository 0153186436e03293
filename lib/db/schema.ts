/**
 * The whole data model, for drizzle (queries, drizzle-kit's migrations): the tables outside the
 * mirror, and every mirrored entity's table from its definition's folder.
 */
export * from "./core-schema";
export * from "../entities/tables";
export * from "./limits-schema";
export * from "./alerts-schema";
