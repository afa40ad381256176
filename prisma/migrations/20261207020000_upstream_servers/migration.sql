-- Gateway (DESIGN §10): upstream MCP servers as data, and their tools mirrored into the Tool table, pinned by a hash
-- of their definition (a new or changed one is held until an admin accepts it).
CREATE TABLE "UpstreamServer" (
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "authKind" TEXT NOT NULL DEFAULT 'none',
    "headerName" TEXT,
    "headerValueSealed" TEXT,
    "tokenUrl" TEXT,
    "oauthClientId" TEXT,
    "clientSecretSealed" TEXT,
    "oauthScope" TEXT,
    "oauthResource" TEXT,
    "lastContactAt" TIMESTAMP(3),
    "lastError" TEXT,
    "lastRefreshedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UpstreamServer_pkey" PRIMARY KEY ("name")
);

ALTER TABLE "Tool" ADD COLUMN "serverName" TEXT;
ALTER TABLE "Tool" ADD COLUMN "upstreamName" TEXT;
ALTER TABLE "Tool" ADD COLUMN "state" TEXT NOT NULL DEFAULT 'accepted';
ALTER TABLE "Tool" ADD COLUMN "definition" JSONB;
ALTER TABLE "Tool" ADD COLUMN "definitionHash" TEXT;
ALTER TABLE "Tool" ADD COLUMN "pendingDefinition" JSONB;
ALTER TABLE "Tool" ADD COLUMN "pendingHash" TEXT;

CREATE INDEX "Tool_serverName_idx" ON "Tool"("serverName");

ALTER TABLE "Tool" ADD CONSTRAINT "Tool_serverName_fkey" FOREIGN KEY ("serverName") REFERENCES "UpstreamServer"("name") ON DELETE CASCADE ON UPDATE CASCADE;
