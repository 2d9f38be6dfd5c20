-- AlterTable
ALTER TABLE "Task" ALTER COLUMN "deadlineAt" DROP NOT NULL;

-- AlterTable
ALTER TABLE "TaskItem" ADD COLUMN     "jobId" TEXT;

-- AddForeignKey
ALTER TABLE "Template" ADD CONSTRAINT "Template_activeTaskId_fkey" FOREIGN KEY ("activeTaskId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;
