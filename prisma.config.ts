import { defineConfig } from "prisma/config";

// The Prisma CLI is only used by developers (generate, creating migrations). Portcullis applies migrations itself
// at start-up through the WebAssembly schema engine (lib/db/migrate.ts), so no native engine is ever needed.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/portcullis" },
});
