-- CreateEnum
CREATE TYPE "TaskCallState" AS ENUM ('sending', 'sent', 'done', 'lost');

-- AlterTable
ALTER TABLE "TaskItem" ADD COLUMN     "callSeq" INTEGER;

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "groupId" TEXT;

-- CreateTable
CREATE TABLE "TaskCall" (
    "id" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "action" "TaskItemAction" NOT NULL,
    "requestId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "state" "TaskCallState" NOT NULL DEFAULT 'sending',
    "baseline" JSONB NOT NULL DEFAULT '[]',
    "instanceIds" JSONB NOT NULL DEFAULT '[]',
    "jobId" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "sentAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "TaskCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TaskCall_taskId_seq_key" ON "TaskCall"("taskId", "seq");

-- AddForeignKey
ALTER TABLE "TaskCall" ADD CONSTRAINT "TaskCall_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
