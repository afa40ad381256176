-- Call-time governance (DESIGN §11): a CEL condition on a role's permission to use a tool.
CREATE TABLE "ToolCondition" (
    "roleId" TEXT NOT NULL,
    "toolName" TEXT NOT NULL,
    "expression" TEXT NOT NULL,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ToolCondition_pkey" PRIMARY KEY ("roleId","toolName")
);

CREATE INDEX "ToolCondition_toolName_idx" ON "ToolCondition"("toolName");

ALTER TABLE "ToolCondition" ADD CONSTRAINT "ToolCondition_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ToolCondition" ADD CONSTRAINT "ToolCondition_toolName_fkey" FOREIGN KEY ("toolName") REFERENCES "Tool"("name") ON DELETE CASCADE ON UPDATE CASCADE;
