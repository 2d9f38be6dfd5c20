-- DropIndex
DROP INDEX "TaskItem_taskId_state_idx";

-- CreateIndex
CREATE INDEX "TaskItem_taskId_state_seq_idx" ON "TaskItem"("taskId", "state", "seq");
