// The one place the rest of Siyu gets Drizzle from, so every package shares one copy of it.
export * from "drizzle-orm";
