-- Soft delete of accounts and templates (names unique among live rows), the audit log, and an index for the retention purge of task events.
-- DropIndex
DROP INDEX "Account_name_key";

-- DropIndex
DROP INDEX "Template_name_key";

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorKeyId" UUID,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEntry_at_id_idx" ON "AuditEntry"("at", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_resourceType_resourceId_at_idx" ON "AuditEntry"("resourceType", "resourceId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_actorKeyId_at_idx" ON "AuditEntry"("actorKeyId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Account_name_live_key" ON "Account"("name") WHERE ("deletedAt" IS NULL);

-- CreateIndex
CREATE INDEX "TaskEvent_at_idx" ON "TaskEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "Template_name_live_key" ON "Template"("name") WHERE ("deletedAt" IS NULL);


