-- CreateIndex
CREATE INDEX "Instance_firstSeenAt_id_idx" ON "Instance"("firstSeenAt", "id");

-- CreateIndex
CREATE INDEX "Instance_accountId_firstSeenAt_id_idx" ON "Instance"("accountId", "firstSeenAt", "id");
